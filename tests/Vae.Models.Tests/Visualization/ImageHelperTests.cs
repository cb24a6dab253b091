using Vae.Core;
using Vae.Models;
using Vae.Models.Visualization;

namespace Vae.Models.Tests;

public sealed class ImageHelperTests : IDisposable
{
    private const int S = StubImageModel.Side;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vae-viz-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Top-left pixel of grid cell (row, col) for cells of side S with the given padding.</summary>
    private static (int X, int Y) Cell(int row, int col, int padding) => (padding + (col * (S + padding)), padding + (row * (S + padding)));

    private static byte Byte(double v) => (byte)Math.Round(Math.Clamp(v, 0, 1) * 255);

    [Fact]
    public void Manifold_codes_run_left_to_right_in_z1_and_top_to_bottom_in_descending_z2()
    {
        var codes = ManifoldGrid.Codes(2, size: 3, range: 3).ToDoubleArray();
        codes.Should().Equal(-3, 3, 0, 3, 3, 3, /* row 2 */ -3, 0, 0, 0, 3, 0, /* row 3 */ -3, -3, 0, -3, 3, -3);

        var wide = ManifoldGrid.Codes(4, size: 2, range: 1, dimX: 3, dimY: 1);
        wide.Shape.ToArray().Should().Equal(4, 4);
        wide.ToDoubleArray().Should().Equal(0, 1, 0, -1, /**/ 0, 1, 0, 1, /**/ 0, -1, 0, -1, /**/ 0, -1, 0, 1);
    }

    [Fact]
    public void Manifold_grid_is_one_seamless_picture_of_size_by_size_images()
    {
        var path = PathOf("manifold.png");
        ManifoldGrid.Save(path, new StubImageModel(), size: 5, imageHeight: S, imageWidth: S);
        var png = PngImage.Read(path);
        (png.Width, png.Height).Should().Be((5 * S, 5 * S));
        png[0, 0].Should().Be(Byte(0), "top-left: z1 = −3 in the top half");
        png[0, S - 1].Should().Be(Byte(1), "top-left: z2 = +3 in the bottom half");
        png[(5 * S) - 1, (5 * S) - 1].Should().Be(Byte(0), "bottom-right: z2 = −3");
        png[(5 * S) - 1, 4 * S].Should().Be(Byte(1), "bottom-right: z1 = +3");
        Directory.GetFiles(_dir.FullName).Should().HaveCount(1, "no temporary files are left");
    }

    [Fact]
    public void Manifold_grid_of_a_wider_latent_space_varies_the_chosen_dims_and_checks_them()
    {
        var model = new StubImageModel(latentDim: 4);
        var path = PathOf("m4.png");
        ManifoldGrid.Save(path, model, size: 3, dimX: 2, dimY: 3, imageHeight: S, imageWidth: S, padding: 1);
        var png = PngImage.Read(path);
        (png.Width, png.Height).Should().Be(((3 * (S + 1)) + 1, (3 * (S + 1)) + 1));
        png[1, 1].Should().Be(Byte(0.5), "z0 = z1 = 0 when dims 2 and 3 vary");
        FluentActions.Invoking(() => ManifoldGrid.Save(path, model, dimX: 1, dimY: 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ManifoldGrid.Save(path, new StubImageModel(latentDim: 4), dimX: 0, dimY: 4)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Sample_grid_of_a_real_vae_has_the_grid_size_of_28_pixel_images()
    {
        var vae = VariationalAutoencoder.Mlp(784, [8], 2, new Generator(1));
        var path = PathOf("samples.png");
        SampleGrid.Save(path, vae, 10, new Generator(2), columns: 4);
        var png = PngImage.Read(path);
        (png.Width, png.Height).Should().Be(((4 * 30) + 2, (3 * 30) + 2));
        png[(4 * 30) - 5, (2 * 30) + 10].Should().Be(128, "cells after the last sample are background");
    }

    [Fact]
    public void Interpolation_strip_has_one_row_per_pair_with_the_originals_at_both_ends()
    {
        var from = Tensor.Rand(new Shape(2, S * S), new Generator(1));
        var to = Tensor.Rand(new Shape(2, S * S), new Generator(2));
        var path = PathOf("interp.png");
        InterpolationStrip.Save(path, new StubImageModel(), from, to, steps: 4, imageHeight: S, imageWidth: S);
        var png = PngImage.Read(path);
        (png.Width, png.Height).Should().Be(((6 * (S + 2)) + 2, (2 * (S + 2)) + 2));
        var f = from.ToArray();
        var t = to.ToArray();
        for (int pair = 0; pair < 2; pair++)
        {
            var (x0, y0) = Cell(pair, 0, 2);
            png[x0 + 1, y0 + 2].Should().Be(Byte(f[(pair * 16) + 9]), "first column: the original x1");
            var (x5, y5) = Cell(pair, 5, 2);
            png[x5 + 3, y5].Should().Be(Byte(t[(pair * 16) + 3]), "last column: the original x2");
            var (x1, y1) = Cell(pair, 1, 2);
            png[x1 + 2, y1].Should().Be(Byte(f[pair * 16]), "second column: the reconstruction of x1 (top half from pixel 0)");
            var (x4, y4) = Cell(pair, 4, 2);
            png[x4, y4 + 3].Should().Be(Byte(t[(pair * 16) + 15]), "fifth column: the reconstruction of x2 (bottom half from pixel 15)");
        }
    }

    [Fact]
    public void Reconstruction_comparison_puts_each_reconstruction_under_its_original()
    {
        var images = Tensor.Rand(new Shape(5, S * S), new Generator(3));
        var path = PathOf("recon.png");
        ReconstructionComparison.Save(path, new StubImageModel(), images, columns: 2, imageHeight: S, imageWidth: S);
        var png = PngImage.Read(path);
        (png.Width, png.Height).Should().Be(((2 * (S + 2)) + 2, (6 * (S + 2)) + 2));
        var v = images.ToArray();
        for (int i = 0; i < 5; i++)
        {
            int pairRow = i / 2, col = i % 2;
            var (ox, oy) = Cell(2 * pairRow, col, 2);
            png[ox + 2, oy + 1].Should().Be(Byte(v[(i * 16) + 6]), $"original {i}");
            var (rx, ry) = Cell((2 * pairRow) + 1, col, 2);
            png[rx + 2, ry + 1].Should().Be(Byte(v[i * 16]), $"reconstruction {i} directly below");
        }

        var (bx, by) = Cell(4, 1, 2);
        png[bx + 1, by + 1].Should().Be(128, "the missing sixth original is background");
        var (cx, cy) = Cell(5, 1, 2);
        png[cx + 1, cy + 1].Should().Be(128, "and so is its reconstruction");
    }

    [Fact]
    public void Image_helpers_reject_images_of_the_wrong_size()
    {
        var act = () => ReconstructionComparison.Save(PathOf("x.png"), new StubImageModel(), Tensor.Zeros(new Shape(3, 10)));
        act.Should().Throw<ArgumentException>().WithMessage("*[3, 10]*");
        var strip = () => InterpolationStrip.Save(PathOf("y.png"), new StubImageModel(), Tensor.Zeros(new Shape(2, 16)), Tensor.Zeros(new Shape(3, 16)), imageHeight: S, imageWidth: S);
        strip.Should().Throw<ArgumentException>().WithMessage("*[2, 16]*[3, 16]*");
    }
}
