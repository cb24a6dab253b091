using Vae.Core;
using Vae.Core.NN;

namespace Vae.Core.Tests;

public sealed class ModuleTests
{
    /// <summary>A module with its own parameter, buffers and a Sequential child.</summary>
    private sealed class Encoder : Module<Tensor, Tensor>
    {
        public Encoder(Generator g)
        {
            Scale = RegisterParameter("scale", new Parameter(Tensor.Ones(2)));
            Running = RegisterBuffer("running", Tensor.Zeros(2));
            RegisterBuffer("scratch", Tensor.Zeros(5), persistent: false);
            Layers = RegisterModule("layers", new Sequential(new Linear(4, 3, g), new Dropout(0.5, g), new Linear(3, 2, g)));
        }

        public Parameter Scale { get; }

        public Tensor Running { get; }

        public Sequential Layers { get; }

        public override Tensor Forward(Tensor input) => Layers.Forward(input) * Scale;
    }

    private sealed class AutoEncoder : Module<Tensor, Tensor>
    {
        public AutoEncoder(Generator g)
        {
            Encoder = RegisterModule("encoder", new Encoder(g));
            Decoder = RegisterModule("decoder", new Linear(2, 4, g));
        }

        public Encoder Encoder { get; }

        public Linear Decoder { get; }

        public override Tensor Forward(Tensor input) => Decoder.Forward(Encoder.Forward(input));
    }

    /// <summary>Lets tests call the protected registration methods.</summary>
    private sealed class Open : Module
    {
        public void Param(string name, Parameter p) => RegisterParameter(name, p);

        public void Child(string name, Module m) => RegisterModule(name, m);
    }

    private static readonly string[] ParameterNames =
    [
        "encoder.scale", "encoder.layers.0.weight", "encoder.layers.0.bias", "encoder.layers.2.weight", "encoder.layers.2.bias",
        "decoder.weight", "decoder.bias",
    ];

    [Fact]
    public void Names_follow_pytorch_paths_and_counts_add_up()
    {
        var m = new AutoEncoder(new Generator(1));
        m.NamedParameters().Select(x => x.Name).Should().Equal(ParameterNames);
        m.Parameters().Should().HaveCount(7).And.OnlyContain(p => p.RequiresGrad);
        m.ParameterCount.Should().Be(2 + (12 + 3) + (6 + 2) + (8 + 4));
        m.NamedBuffers().Select(x => x.Name).Should().Equal("encoder.running", "encoder.scratch");
        m.NamedParameters(recurse: false).Should().BeEmpty();
        m.Encoder.NamedParameters(recurse: false).Select(x => x.Name).Should().Equal("scale");
        m.NamedChildren().Select(x => x.Name).Should().Equal("encoder", "decoder");
        m.Children().Should().HaveCount(2);
        m.NamedModules().Select(x => x.Name).Should().Equal(
            "", "encoder", "encoder.layers", "encoder.layers.0", "encoder.layers.1", "encoder.layers.2", "decoder");
        m.Modules().Should().HaveCount(7);
        m.StateDict().Keys.Should().Equal(
            "encoder.scale", "encoder.running", "encoder.layers.0.weight", "encoder.layers.0.bias", "encoder.layers.2.weight",
            "encoder.layers.2.bias", "decoder.weight", "decoder.bias");
    }

    [Fact]
    public void Shared_parameters_are_listed_once_but_saved_under_each_name()
    {
        var shared = new Linear(2, 2, new Generator(2));
        var m = new Open();
        m.Child("a", shared);
        m.Child("b", shared);
        m.Parameters().Should().HaveCount(2);
        m.NamedModules().Select(x => x.Name).Should().Equal("", "a");
        m.StateDict().Keys.Should().Equal("a.weight", "a.bias", "b.weight", "b.bias");
    }

    [Fact]
    public void Train_and_Eval_propagate_to_all_descendants()
    {
        var m = new AutoEncoder(new Generator(3));
        m.Modules().Should().OnlyContain(x => x.Training);
        m.Eval().Should().BeSameAs(m);
        m.Modules().Should().OnlyContain(x => !x.Training);
        var x = Tensor.Randn(new Shape(5, 4), new Generator(4));
        m.Forward(x).ToArray().Should().Equal(m.Forward(x).ToArray(), "dropout is off in eval mode");
        m.Train();
        m.Modules().Should().OnlyContain(x => x.Training);
        m.Encoder.Layers.Train(false);
        m.Encoder.Training.Should().BeTrue();
        m.Encoder.Layers[1].Training.Should().BeFalse();
    }

    [Fact]
    public void ZeroGrad_clears_every_parameter_gradient()
    {
        var m = new AutoEncoder(new Generator(5));
        m.Eval();
        m.Forward(Tensor.Randn(new Shape(3, 4), new Generator(6))).Sum().Backward();
        m.Parameters().Should().OnlyContain(p => p.Grad != null);
        m.ZeroGrad();
        m.Parameters().Should().OnlyContain(p => p.Grad == null);
    }

    [Fact]
    public void State_dict_round_trip_copies_values_in_place()
    {
        var a = new AutoEncoder(new Generator(7));
        a.Encoder.Running.Fill(3);
        var b = new AutoEncoder(new Generator(8));
        var weight = b.Decoder.Weight;
        var x = Tensor.Randn(new Shape(3, 4), new Generator(9));
        a.Eval();
        b.Eval();
        b.Forward(x).ToArray().Should().NotEqual(a.Forward(x).ToArray());

        var sd = a.StateDict();
        var result = b.LoadStateDict(sd);
        result.MissingKeys.Should().BeEmpty();
        result.UnexpectedKeys.Should().BeEmpty();
        b.Decoder.Weight.Should().BeSameAs(weight, "values are copied into the existing parameters");
        b.Forward(x).ToArray().Should().Equal(a.Forward(x).ToArray());
        b.Encoder.Running.ToArray().Should().Equal(3f, 3f);

        // The dict is a detached snapshot.
        sd["decoder.bias"].RequiresGrad.Should().BeFalse();
        a.Decoder.Bias!.Fill(42);
        sd["decoder.bias"].ToArray().Should().NotContain(42f);
    }

    [Fact]
    public void State_dict_values_are_converted_to_the_module_dtype()
    {
        var a = new Linear(3, 2, new Generator(10), dtype: DType.Float64);
        var b = new Linear(3, 2, new Generator(11));
        b.LoadStateDict(a.StateDict());
        b.Weight.DType.Should().Be(DType.Float32);
        b.Weight.ToArray().Should().Equal(a.Weight.ToArray());
    }

    [Fact]
    public void Strict_load_reports_missing_unexpected_and_mismatched_keys_at_once_and_changes_nothing()
    {
        var m = new AutoEncoder(new Generator(12));
        var before = m.StateDict();
        var sd = new Dictionary<string, Tensor>(new AutoEncoder(new Generator(13)).StateDict());
        sd.Remove("decoder.bias");
        sd.Remove("encoder.running");
        sd["decoder.extra"] = Tensor.Zeros(1);
        sd["encoder.layers.0.weight"] = Tensor.Zeros(3, 5);

        var e = ((Action)(() => m.LoadStateDict(sd))).Should().Throw<ArgumentException>().Which;
        e.Message.Should().Contain("missing keys (2): \"encoder.running\", \"decoder.bias\"")
            .And.Contain("unexpected keys (1): \"decoder.extra\"")
            .And.Contain("\"encoder.layers.0.weight\": state dict has [3, 5], module has [3, 4]");
        foreach (var (k, v) in m.StateDict())
        {
            v.ToArray().Should().Equal(before[k].ToArray(), $"{k} must be unchanged after a failed load");
        }
    }

    [Fact]
    public void Non_strict_load_returns_key_mismatches_but_still_rejects_shape_mismatches()
    {
        var m = new AutoEncoder(new Generator(14));
        var sd = new Dictionary<string, Tensor>(new AutoEncoder(new Generator(15)).StateDict());
        sd.Remove("decoder.bias");
        sd["decoder.extra"] = Tensor.Zeros(1);
        var r = m.LoadStateDict(sd, strict: false);
        r.MissingKeys.Should().Equal("decoder.bias");
        r.UnexpectedKeys.Should().Equal("decoder.extra");
        m.Decoder.Weight.ToArray().Should().Equal(sd["decoder.weight"].ToArray());

        sd["decoder.weight"] = Tensor.Zeros(4, 3);
        ((Action)(() => m.LoadStateDict(sd, strict: false))).Should().Throw<ArgumentException>().WithMessage("*\"decoder.weight\": state dict has [4, 3], module has [4, 2]*");
    }

    [Fact]
    public void Registration_rejects_bad_and_duplicate_names_and_cycles()
    {
        var m = new Open();
        m.Param("w", new Parameter(Tensor.Zeros(1)));
        ((Action)(() => m.Param("w", new Parameter(Tensor.Zeros(1))))).Should().Throw<ArgumentException>().WithMessage("*already has a parameter named \"w\"*");
        ((Action)(() => m.Child("w", new Identity()))).Should().Throw<ArgumentException>().WithMessage("*already has a parameter*");
        ((Action)(() => m.Param("a.b", new Parameter(Tensor.Zeros(1))))).Should().Throw<ArgumentException>().WithMessage("*contain no '.'*");
        ((Action)(() => m.Param("", new Parameter(Tensor.Zeros(1))))).Should().Throw<ArgumentException>();
        var child = new Open();
        m.Child("c", child);
        ((Action)(() => child.Child("parent", m))).Should().Throw<ArgumentException>().WithMessage("*cycle*");
        ((Action)(() => m.Child("self", m))).Should().Throw<ArgumentException>().WithMessage("*cycle*");
    }

    [Fact]
    public void ToString_prints_a_pytorch_like_tree()
    {
        var m = new AutoEncoder(new Generator(16));
        m.ToString().Should().Be(
            "AutoEncoder(\n" +
            "  (encoder): Encoder(\n" +
            "    (layers): Sequential(\n" +
            "      (0): Linear(inFeatures=4, outFeatures=3, bias=True)\n" +
            "      (1): Dropout(p=0.5)\n" +
            "      (2): Linear(inFeatures=3, outFeatures=2, bias=True)\n" +
            "    )\n" +
            "  )\n" +
            "  (decoder): Linear(inFeatures=2, outFeatures=4, bias=True)\n" +
            ")");
        new Identity().ToString().Should().Be("Identity()");
        new ModuleList<Linear>(new Linear(1, 1, new Generator(1), bias: false)).ToString().Should().Be(
            "ModuleList(\n  (0): Linear(inFeatures=1, outFeatures=1, bias=False)\n)");
        new Parameter(Tensor.Zeros(2, 3)).ToString().Should().Be("Parameter(float32 [2, 3], requiresGrad=True)");
    }

    [Fact]
    public void Apply_visits_children_before_parents()
    {
        var m = new AutoEncoder(new Generator(17));
        var visited = new List<string>();
        m.Apply(x => visited.Add(x.GetType().Name));
        visited.Should().Equal("Linear", "Dropout", "Linear", "Sequential", "Encoder", "Linear", "AutoEncoder");
    }

    [Fact]
    public void Parameter_shares_storage_and_is_a_leaf()
    {
        var t = Tensor.FromArray([1f, 2f]);
        var p = new Parameter(t);
        p.RequiresGrad.Should().BeTrue();
        p.IsLeaf.Should().BeTrue();
        t.Fill(5);
        p.ToArray().Should().Equal(5f, 5f);
        new Parameter(Tensor.Zeros(1), requiresGrad: false).RequiresGrad.Should().BeFalse();
        var fromOp = new Parameter(Tensor.FromArray([1.0]).SetRequiresGrad() * 2.0);
        fromOp.IsLeaf.Should().BeTrue();
    }

    [Fact]
    public void ModuleList_names_and_indexes_its_items()
    {
        var g = new Generator(18);
        var list = new ModuleList<Linear>(new Linear(2, 2, g)).Add(new Linear(2, 3, g));
        list.Count.Should().Be(2);
        list[1].OutFeatures.Should().Be(3);
        list.NamedParameters().Select(x => x.Name).Should().Equal("0.weight", "0.bias", "1.weight", "1.bias");
        list.Should().HaveCount(2);
    }
}
