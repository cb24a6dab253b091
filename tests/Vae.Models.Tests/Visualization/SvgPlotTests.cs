using System.Xml.Linq;
using Vae.Models.Visualization;

namespace Vae.Models.Tests;

public sealed class SvgPlotTests
{
    [Fact]
    public void Scatter_by_label_makes_one_coloured_group_and_legend_entry_per_label()
    {
        var plot = new SvgPlot("latent", "z1", "z2").AddScatterByLabel([0, 1, 2, 3], [0, 1, 0, 1], [3, 1, 3, 1]);
        var doc = XDocument.Parse(plot.ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        doc.Descendants(ns + "circle").Count(c => c.Parent!.Name == ns + "g" && c.Parent.Attribute("fill") is not null).Should().Be(4);
        var legend = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        legend.Should().Contain(["1", "3", "latent", "z1", "z2"]);
    }

    [Fact]
    public void Line_plot_has_a_polyline_with_all_points_and_skips_non_finite()
    {
        var svg = new SvgPlot("loss").AddLine("train", [1, 2, 3, 4], [3, 2, double.NaN, 1]).ToSvg();
        var poly = XDocument.Parse(svg).Descendants().Single(e => e.Name.LocalName == "polyline");
        poly.Attribute("points")!.Value.Split(' ').Should().HaveCount(3);
    }

    [Fact]
    public void Ticks_are_nice_numbers_covering_the_range()
    {
        SvgPlot.Ticks(0, 10).Should().Equal(0, 2, 4, 6, 8, 10);
        SvgPlot.Ticks(-3, 3).Should().Contain(0);
    }

    [Fact]
    public void Mismatched_lengths_throw()
    {
        var act = () => new SvgPlot().AddLine("a", [1, 2], [1]);
        act.Should().Throw<ArgumentException>().WithMessage("*2 x values*1 y values*");
    }
}
