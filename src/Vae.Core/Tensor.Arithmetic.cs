using Vae.Core.Kernels;

namespace Vae.Core;

public partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public Tensor Add(Tensor other)
    {
        var y = Elementwise.Binary<AddOp>(this, other, "Add");
        if (ShouldRecord(this, other))
        {
            y.SetGradFn("Add", [this, other], static (g, _) => [g, g]);
        }

        return y;
    }

    /// <summary>Elementwise difference with broadcasting.</summary>
    public Tensor Sub(Tensor other)
    {
        var y = Elementwise.Binary<SubOp>(this, other, "Sub");
        if (ShouldRecord(this, other))
        {
            y.SetGradFn("Sub", [this, other], static (g, n) => [g, n.NeedsGrad[1] ? -g : null]);
        }

        return y;
    }

    /// <summary>Elementwise product with broadcasting.</summary>
    public Tensor Mul(Tensor other)
    {
        var y = Elementwise.Binary<MulOp>(this, other, "Mul");
        if (ShouldRecord(this, other))
        {
            y.SetGradFn("Mul", [this, other], static (g, n) =>
                [n.NeedsGrad[0] ? g * n.Inputs[1] : null, n.NeedsGrad[1] ? g * n.Inputs[0] : null]);
        }

        return y;
    }

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public Tensor Div(Tensor other)
    {
        var y = Elementwise.Binary<DivOp>(this, other, "Div");
        if (ShouldRecord(this, other))
        {
            y.SetGradFn("Div", [this, other], static (g, n) =>
            {
                var b = n.Inputs[1];
                return [n.NeedsGrad[0] ? g / b : null, n.NeedsGrad[1] ? -(g * n.Inputs[0]) / (b * b) : null];
            });
        }

        return y;
    }

    /// <summary>Adds a scalar.</summary>
    public Tensor Add(double s)
    {
        var y = Elementwise.BinaryScalar<AddOp>(this, s);
        if (ShouldRecord(this))
        {
            y.SetGradFn("AddScalar", [this], static (g, _) => [g]);
        }

        return y;
    }

    /// <summary>Multiplies by a scalar.</summary>
    public Tensor Mul(double s)
    {
        var y = Elementwise.BinaryScalar<MulOp>(this, s);
        if (ShouldRecord(this))
        {
            y.SetGradFn("MulScalar", [this], (g, _) => [g * s]);
        }

        return y;
    }

    /// <summary>Divides by a scalar.</summary>
    public Tensor Div(double s) => Mul(1.0 / s);

    /// <summary>Subtracts a scalar.</summary>
    public Tensor Sub(double s) => Add(-s);

    /// <summary>Computes <c>s - this</c>.</summary>
    public Tensor RSub(double s)
    {
        var y = Elementwise.ScalarBinary<SubOp>(s, this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("RSubScalar", [this], static (g, _) => [-g]);
        }

        return y;
    }

    /// <summary>Computes <c>s / this</c>.</summary>
    public Tensor RDiv(double s)
    {
        var y = Elementwise.ScalarBinary<DivOp>(s, this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("RDivScalar", [this], static (g, n) => [-(g * n.Output) / n.Inputs[0]]);
        }

        return y;
    }

    /// <summary>Elementwise negation.</summary>
    public Tensor Neg()
    {
        var y = Elementwise.Unary<NegOp>(this);
        if (ShouldRecord(this))
        {
            y.SetGradFn("Neg", [this], static (g, _) => [-g]);
        }

        return y;
    }

    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(s);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Add(s);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Add(-s);

    /// <summary>Subtracts from a scalar.</summary>
    public static Tensor operator -(double s, Tensor a) => a.RSub(s);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(s);

    /// <summary>Divides a scalar by each element.</summary>
    public static Tensor operator /(double s, Tensor a) => a.RDiv(s);

    /// <summary>Elementwise negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
