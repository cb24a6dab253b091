using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Core.Optim;
using Vae.Core.Serialization;

namespace Vae.Core.Tests;

/// <summary>Module.Save/Load and the full training-state <see cref="Checkpoint"/>.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Sequential Mlp(Generator init, Generator? dropout = null) =>
        new(new Linear(6, 16, init), new BatchNorm1d(16), new ReLU(), new Dropout(0.1, dropout), new Linear(16, 3, init));

    private static TensorDataset Data()
    {
        var g = new Generator(123);
        var x = Tensor.Randn(new Shape(96, 6), g);
        var labels = new float[96];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = g.NextInt(3);
        }

        return new TensorDataset(x, Tensor.FromArray(labels, 96));
    }

    private static void Bits(Module a, Module b)
    {
        var sa = a.StateDict();
        var sb = b.StateDict();
        sb.Keys.Should().Equal(sa.Keys);
        foreach (var (name, t) in sa)
        {
            sb[name].ToDoubleArray().Should().Equal(t.ToDoubleArray(), $"{name} must be bit-identical");
        }
    }

    [Fact]
    public void Module_save_and_load_round_trip_parameters_and_buffers_exactly()
    {
        var a = Mlp(new Generator(1), new Generator(3));
        a.Forward(Tensor.Randn(new Shape(8, 6), new Generator(2))); // moves the BatchNorm running stats
        string path = PathOf("model.safetensors");
        a.Save(path, new Dictionary<string, string> { ["note"] = "mlp" });
        var file = SafeTensors.Load(path);
        file.Names.Should().BeEquivalentTo(a.StateDict().Keys);
        file.Metadata!["note"].Should().Be("mlp");

        var b = Mlp(new Generator(9));
        var result = b.Load(path);
        result.MissingKeys.Should().BeEmpty();
        Bits(a, b);
    }

    [Fact]
    public void Module_strict_load_lists_missing_unexpected_and_mismatched_keys()
    {
        string path = PathOf("other.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Zeros(16, 6),
            ["0.bias"] = Tensor.Zeros(15),
            ["extra"] = Tensor.Zeros(1),
        });
        var m = Mlp(new Generator(1));
        var before = m.StateDict();
        var act = () => m.Load(path);
        act.Should().Throw<ArgumentException>()
            .WithMessage("*missing keys*\"4.weight\"*unexpected keys (1): \"extra\"*shape mismatches (1): \"0.bias\": state dict has [15], module has [16]*other.safetensors*");
        Bits(m, m); // unchanged
        m.StateDict()["0.weight"].ToArray().Should().Equal(before["0.weight"].ToArray());

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Ones(16, 6), ["extra"] = Tensor.Zeros(1) });
        var r = m.Load(path, strict: false);
        r.UnexpectedKeys.Should().Equal("extra");
        r.MissingKeys.Should().Contain("0.bias");
        m.StateDict()["0.weight"].ToDoubleArray().Should().OnlyContain(v => v == 1);
        ((Action)(() => m.Load(PathOf("missing.safetensors")))).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Checkpoint_round_trip_restores_bit_identical_state()
    {
        var init = new Generator(1);
        var train = new Generator(2);
        var model = Mlp(init, train);
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var sched = new StepLR(opt, 2, 0.5);
        for (int i = 0; i < 3; i++)
        {
            opt.ZeroGrad();
            Losses.CrossEntropy(model.Forward(Tensor.Randn(new Shape(8, 6), train)), [0, 1, 2, 0, 1, 2, 0, 1]).Backward();
            opt.Step();
            sched.Step();
        }

        train.NextUInt64();
        train.NextNormal(); // leaves a spare normal in the state
        var ckpt = Checkpoint.Capture(model, opt, train, epoch: 3, step: 1L << 40);
        ckpt.SetScheduler(sched).SetGenerator("init", init);
        ckpt.Metadata["run"] = "test";
        string path = PathOf("ckpt.safetensors");
        ckpt.Save(path);

        var loaded = Checkpoint.Load(path);
        loaded.Epoch.Should().Be(3);
        loaded.Step.Should().Be(1L << 40);
        loaded.Metadata.Should().Equal(new Dictionary<string, string> { ["run"] = "test" });
        loaded.GeneratorStates[Checkpoint.DefaultGeneratorName].Should().Equal(train.GetState());
        loaded.GeneratorStates["init"].Should().Equal(init.GetState());

        var model2 = Mlp(new Generator(5), new Generator(6));
        var opt2 = new Adam(model2.Parameters(), lr: 0.5);
        var sched2 = new StepLR(opt2, 2, 0.5);
        var train2 = new Generator(77);
        loaded.Restore(model2, opt2, train2);
        loaded.RestoreScheduler(sched2);
        Bits(model, model2);
        var s1 = opt.StateDict();
        var s2 = opt2.StateDict();
        s2.Keys.Should().Equal(s1.Keys);
        foreach (var (k, t) in s1)
        {
            s2[k].ToDoubleArray().Should().Equal(t.ToDoubleArray(), k);
        }

        train2.GetState().Should().Equal(train.GetState());
        train2.NextNormal().Should().Be(train.NextNormal());
        sched2.LastEpoch.Should().Be(sched.LastEpoch);
        opt2.ParamGroups[0].LearningRate.Should().Be(opt.ParamGroups[0].LearningRate);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_trains_bit_identically()
    {
        const int epochs = 4;
        var data = Data();

        // Uninterrupted run.
        var a = Run(new Generator(1), new Generator(2), 0, epochs, restore: null);

        // Half, checkpoint, then fresh objects with different seeds restored from the file.
        string path = PathOf("resume.safetensors");
        Run(new Generator(1), new Generator(2), 0, epochs / 2, save: path);
        var b = Run(new Generator(31), new Generator(32), epochs / 2, epochs, restore: path);
        Bits(a, b);

        Sequential Run(Generator init, Generator train, int from, int to, string? restore = null, string? save = null)
        {
            var model = Mlp(init, train);
            var opt = new Adam(model.Parameters(), lr: 0.01);
            var sched = new StepLR(opt, 1, 0.7);
            var loader = new DataLoader(data, 16, shuffle: true, generator: train);
            long step = 0;
            if (restore is not null)
            {
                var ckpt = Checkpoint.Load(restore);
                ckpt.Restore(model, opt, train);
                ckpt.RestoreScheduler(sched);
                ckpt.Epoch.Should().Be(from);
                step = ckpt.Step;
            }

            for (int epoch = from; epoch < to; epoch++)
            {
                foreach (var (x, y) in loader)
                {
                    opt.ZeroGrad();
                    Losses.CrossEntropy(model.Forward(x), y).Backward();
                    opt.Step();
                    step++;
                }

                sched.Step();
            }

            if (save is not null)
            {
                Checkpoint.Capture(model, opt, train, to, step).SetScheduler(sched).Save(save);
            }

            return model;
        }

        // Sanity: the run really depends on the restored state (a fresh start from epoch 2 differs).
        var c = Run(new Generator(31), new Generator(32), epochs / 2, epochs);
        c.StateDict()["0.weight"].ToArray().Should().NotEqual(a.StateDict()["0.weight"].ToArray());
    }

    [Fact]
    public void Checkpoint_rejects_wrong_files_and_mismatched_objects()
    {
        var model = Mlp(new Generator(1));
        string plain = PathOf("plain.safetensors");
        model.Save(plain);
        ((Action)(() => Checkpoint.Load(plain))).Should().Throw<InvalidDataException>().WithMessage("*plain.safetensors*not a Vae.NET checkpoint*");

        string path = PathOf("c.safetensors");
        Checkpoint.Capture(model).Save(path);
        var c = Checkpoint.Load(path);
        c.OptimizerState.Should().BeNull();
        var other = Mlp(new Generator(2));
        var opt = new Adam(other.Parameters());
        var before = other.StateDict()["0.weight"].ToArray();
        ((Action)(() => c.Restore(other, opt))).Should().Throw<ArgumentException>().WithMessage("*no optimizer state*");
        ((Action)(() => c.Restore(other, generator: new Generator(1)))).Should().Throw<ArgumentException>().WithMessage("*no \"default\" generator*");
        ((Action)(() => c.RestoreScheduler(new StepLR(opt, 1)))).Should().Throw<ArgumentException>().WithMessage("*no scheduler state*");
        other.StateDict()["0.weight"].ToArray().Should().Equal(before, "nothing is restored when a part is missing");

        // An optimizer over different shapes: the model is rolled back.
        Checkpoint.Capture(model, new Adam(model.Parameters())).Save(path);
        var wrongOpt = new Adam(new Linear(2, 2, new Generator(3)).Parameters());
        ((Action)(() => Checkpoint.Load(path).Restore(other, wrongOpt))).Should().Throw<ArgumentException>();
        other.StateDict()["0.weight"].ToArray().Should().Equal(before, "the model is rolled back when the optimizer state does not fit");

        var bad = new Checkpoint { ModelState = model.StateDict() };
        bad.Metadata["checkpoint.epoch"] = "1";
        ((Action)(() => bad.Save(path))).Should().Throw<ArgumentException>().WithMessage("*reserved*");
        ((Action)(() => Checkpoint.Load(path).RestoreGenerator("nope", new Generator(1)))).Should().Throw<ArgumentException>();
    }
}
