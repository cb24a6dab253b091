using System.Text;

namespace Vae.Core.NN;

public abstract partial class Module
{
    /// <summary>
    /// A PyTorch-like tree of the module, e.g.
    /// <code>
    /// Sequential(
    ///   (0): Linear(inFeatures=784, outFeatures=400, bias=True)
    ///   (1): Dropout(p=0.5)
    /// )
    /// </code>
    /// </summary>
    public override string ToString()
    {
        var lines = new List<string>();
        string extra = ExtraRepr();
        if (extra.Length > 0)
        {
            lines.AddRange(extra.Split('\n'));
        }

        int extraLines = lines.Count;
        foreach (var (name, child) in _modules)
        {
            lines.Add($"({name}): {Indent(child.ToString())}");
        }

        var sb = new StringBuilder(TypeName).Append('(');
        if (lines.Count > 0)
        {
            if (extraLines == 1 && lines.Count == 1)
            {
                sb.Append(extra);
            }
            else
            {
                foreach (var line in lines)
                {
                    sb.Append("\n  ").Append(line);
                }

                sb.Append('\n');
            }
        }

        return sb.Append(')').ToString();
    }

    /// <summary>Formats a boolean the way PyTorch prints it (<c>True</c>/<c>False</c>).</summary>
    private protected static string PyBool(bool value) => value ? "True" : "False";

    private static string Indent(string s) => s.Replace("\n", "\n  ", StringComparison.Ordinal);
}
