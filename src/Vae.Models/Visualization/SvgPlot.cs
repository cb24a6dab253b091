using System.Globalization;
using System.Text;

namespace Vae.Models.Visualization;

/// <summary>
/// A small SVG chart: scatter series (e.g. 2-D latent codes coloured by label) and line series (loss curves),
/// with axes, ticks, labels and a legend. No native dependencies; open the file in any browser.
/// </summary>
public sealed class SvgPlot
{
    /// <summary>The ten-colour qualitative palette used for labels and series (matplotlib's "tab10").</summary>
    public static readonly IReadOnlyList<string> Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private readonly List<Series> _series = [];

    /// <summary>Creates an empty plot.</summary>
    public SvgPlot(string title = "", string xLabel = "", string yLabel = "", int width = 640, int height = 480)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        Width = width;
        Height = height;
    }

    /// <summary>Chart title.</summary>
    public string Title { get; set; }

    /// <summary>X-axis label.</summary>
    public string XLabel { get; set; }

    /// <summary>Y-axis label.</summary>
    public string YLabel { get; set; }

    /// <summary>Picture width in pixels.</summary>
    public int Width { get; set; }

    /// <summary>Picture height in pixels.</summary>
    public int Height { get; set; }

    /// <summary>Fixed x range (null: fitted to the data).</summary>
    public (double Min, double Max)? XRange { get; set; }

    /// <summary>Fixed y range (null: fitted to the data).</summary>
    public (double Min, double Max)? YRange { get; set; }

    /// <summary>Use a logarithmic y axis (values ≤ 0 are skipped).</summary>
    public bool LogY { get; set; }

    /// <summary>Adds one scatter series.</summary>
    public SvgPlot AddScatter(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null, double radius = 1.6, double opacity = 0.6)
    {
        CheckLengths(x, y);
        _series.Add(new Series(name, x, y, color ?? Palette[_series.Count % Palette.Count], IsLine: false, radius, opacity));
        return this;
    }

    /// <summary>Adds one scatter series per label value (0…9 get the palette colours), named "0", "1", ….</summary>
    public SvgPlot AddScatterByLabel(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<int> labels, double radius = 1.6, double opacity = 0.6)
    {
        CheckLengths(x, y);
        if (labels.Count != x.Count)
        {
            throw new ArgumentException($"SvgPlot: {labels.Count} labels for {x.Count} points.", nameof(labels));
        }

        foreach (int label in labels.Distinct().Order())
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int i = 0; i < labels.Count; i++)
            {
                if (labels[i] == label)
                {
                    xs.Add(x[i]);
                    ys.Add(y[i]);
                }
            }

            _series.Add(new Series(label.ToString(CultureInfo.InvariantCulture), xs, ys, Palette[((label % 10) + 10) % 10], false, radius, opacity));
        }

        return this;
    }

    /// <summary>Adds a line series (e.g. loss per epoch).</summary>
    public SvgPlot AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null)
    {
        CheckLengths(x, y);
        _series.Add(new Series(name, x, y, color ?? Palette[_series.Count % Palette.Count], IsLine: true, 0, 1));
        return this;
    }

    /// <summary>Writes the SVG file (atomically; folders are created).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToSvg());

    /// <summary>The SVG document as a string.</summary>
    public string ToSvg()
    {
        const int left = 64, right = 110, top = 36, bottom = 48;
        int pw = Width - left - right, ph = Height - top - bottom;
        var (x0, x1) = XRange ?? Extent(s => s.X, log: false);
        var (y0, y1) = YRange ?? Extent(s => s.Y, LogY);
        if (LogY)
        {
            (y0, y1) = (Math.Log10(y0), Math.Log10(y1));
        }

        double Sx(double v) => left + ((v - x0) / (x1 - x0) * pw);
        double Sy(double v) => top + ph - (((LogY ? Math.Log10(v) : v) - y0) / (y1 - y0) * ph);

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (pw / 2)}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(Title)}</text>\n");

        // Grid, ticks and tick labels.
        foreach (double t in Ticks(x0, x1))
        {
            double px = Sx(t);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{px:F1}\" y1=\"{top}\" x2=\"{px:F1}\" y2=\"{top + ph}\" stroke=\"#e5e5e5\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{px:F1}\" y=\"{top + ph + 16}\" text-anchor=\"middle\">{FormatTick(t)}</text>\n");
        }

        foreach (double t in Ticks(y0, y1))
        {
            double py = top + ph - ((t - y0) / (y1 - y0) * ph);
            string label = LogY ? FormatTick(Math.Pow(10, t)) : FormatTick(t);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{py:F1}\" x2=\"{left + pw}\" y2=\"{py:F1}\" stroke=\"#e5e5e5\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{py + 4:F1}\" text-anchor=\"end\">{label}</text>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#333\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (pw / 2)}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16 {top + (ph / 2)}) rotate(-90)\" text-anchor=\"middle\">{Escape(YLabel)}</text>\n");

        // Data, clipped to the plot area.
        sb.Append(CultureInfo.InvariantCulture, $"<clipPath id=\"plot\"><rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\"/></clipPath>\n<g clip-path=\"url(#plot)\">\n");
        foreach (var s in _series)
        {
            if (s.IsLine)
            {
                var pts = new StringBuilder();
                for (int i = 0; i < s.X.Count; i++)
                {
                    if (IsDrawable(s.X[i], s.Y[i]))
                    {
                        pts.Append(CultureInfo.InvariantCulture, $"{Sx(s.X[i]):F1},{Sy(s.Y[i]):F1} ");
                    }
                }

                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.8\" points=\"{pts.ToString().TrimEnd()}\"/>\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"<g fill=\"{s.Color}\" fill-opacity=\"{s.Opacity:F2}\">");
                for (int i = 0; i < s.X.Count; i++)
                {
                    if (IsDrawable(s.X[i], s.Y[i]))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Sx(s.X[i]):F1}\" cy=\"{Sy(s.Y[i]):F1}\" r=\"{s.Radius:F1}\"/>");
                    }
                }

                sb.Append("</g>\n");
            }
        }

        sb.Append("</g>\n");

        // Legend.
        for (int i = 0; i < _series.Count; i++)
        {
            var s = _series[i];
            int ly = top + 8 + (i * 16);
            int lx = left + pw + 14;
            sb.Append(s.IsLine
                ? string.Create(CultureInfo.InvariantCulture, $"<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{lx + 16}\" y2=\"{ly}\" stroke=\"{s.Color}\" stroke-width=\"2\"/>")
                : string.Create(CultureInfo.InvariantCulture, $"<circle cx=\"{lx + 8}\" cy=\"{ly}\" r=\"4\" fill=\"{s.Color}\"/>"));
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 22}\" y=\"{ly + 4}\">{Escape(s.Name)}</text>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();

        bool IsDrawable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!LogY || y > 0);
    }

    private (double Min, double Max) Extent(Func<Series, IReadOnlyList<double>> pick, bool log)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var s in _series)
        {
            foreach (double v in pick(s))
            {
                if (double.IsFinite(v) && (!log || v > 0))
                {
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }
            }
        }

        if (double.IsInfinity(lo))
        {
            return log ? (1, 10) : (0, 1);
        }

        if (lo == hi)
        {
            return log ? (lo / 2, hi * 2) : (lo - 1, hi + 1);
        }

        if (log)
        {
            return (lo, hi);
        }

        double pad = (hi - lo) * 0.04;
        return (lo - pad, hi + pad);
    }

    /// <summary>"Nice" tick positions (1, 2 or 5 × 10^k steps) covering [lo, hi].</summary>
    internal static List<double> Ticks(double lo, double hi, int target = 6)
    {
        double raw = (hi - lo) / target;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + (step * 1e-9); t += step)
        {
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }

        return ticks;
    }

    private static string FormatTick(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static void CheckLengths(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"SvgPlot: {x.Count} x values but {y.Count} y values.");
        }
    }

    private sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color, bool IsLine, double Radius, double Opacity);
}
