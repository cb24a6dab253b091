using Vae.Core.Data;

namespace Vae.Core.Tests;

public sealed class DataLoaderTests
{
    /// <summary>x[i] = [i, i + 0.5, ...] over shape [n, 1, 2, 3]; y[i] = i.</summary>
    private static TensorDataset Dataset(int n, DType dtype = DType.Float32)
    {
        var x = new double[n * 6];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                x[(i * 6) + j] = i + (j * 0.5);
            }
        }

        var xs = Tensor.FromArray(x, n, 1, 2, 3).To(dtype);
        var ys = Tensor.Arange(n);
        return new TensorDataset(xs, ys);
    }

    private static int[] Ids(Batch b) => b[1].ToArray().Select(v => (int)v).ToArray();

    [Fact]
    public void TensorDataset_rejects_tensors_with_different_first_dimensions_naming_the_shapes()
    {
        var act = () => new TensorDataset(Tensor.Zeros(4, 3), Tensor.Zeros(5));
        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3]*[5]*");
        var none = () => new TensorDataset();
        none.Should().Throw<ArgumentException>();
        var scalar = () => new TensorDataset(Tensor.Scalar(1));
        scalar.Should().Throw<ArgumentException>().WithMessage("*scalar*");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void TensorDataset_indexer_and_gather_copy_rows(DType dtype)
    {
        var ds = Dataset(5, dtype);
        ds.Count.Should().Be(5);

        var row = ds[3];
        row[0].Shape.Should().Equal(1, 2, 3);
        row[0].DType.Should().Be(dtype);
        row[0].ToDoubleArray().Should().Equal(3, 3.5, 4, 4.5, 5, 5.5);
        row[1].Item().Should().Be(3);

        var batch = ds.Gather([4, 0, 4]);
        batch[0].Shape.Should().Equal(3, 1, 2, 3);
        batch[1].ToArray().Should().Equal(4, 0, 4);
        batch[0][2, 0, 1, 2].Should().Be(4 + 2.5);

        var bad = () => ds[5];
        bad.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Sequential_batches_cover_the_data_in_order_with_a_smaller_last_batch()
    {
        var loader = new DataLoader(Dataset(10), batchSize: 4);

        var batches = loader.ToList();

        loader.BatchCount.Should().Be(3);
        batches.Select(b => b.Size).Should().Equal(4, 4, 2);
        batches.SelectMany(Ids).Should().Equal(Enumerable.Range(0, 10));
        batches[2][0].Shape.Should().Equal(2, 1, 2, 3);
        batches[2].Indices.ToArray().Should().Equal(8, 9);
    }

    [Fact]
    public void Drop_last_skips_the_incomplete_batch()
    {
        var loader = new DataLoader(Dataset(10), batchSize: 4, dropLast: true);
        loader.BatchCount.Should().Be(2);
        loader.Select(b => b.Size).Should().Equal(4, 4);
        new DataLoader(Dataset(8), batchSize: 4, dropLast: true).Count().Should().Be(2);
    }

    [Fact]
    public void Shuffle_is_deterministic_per_seed_covers_every_index_and_changes_each_epoch()
    {
        var ds = Dataset(50);
        List<int[]> Epochs(ulong seed)
        {
            var loader = new DataLoader(ds, batchSize: 8, shuffle: true, generator: new Generator(seed));
            return [loader.SelectMany(Ids).ToArray(), loader.SelectMany(Ids).ToArray()];
        }

        var a = Epochs(42);
        var b = Epochs(42);
        var c = Epochs(43);

        a[0].Should().Equal(b[0]);
        a[1].Should().Equal(b[1]);
        a[0].Should().NotEqual(a[1], "every epoch draws a new order");
        a[0].Should().NotEqual(c[0], "another seed gives another order");
        foreach (var epoch in a.Concat(c))
        {
            epoch.Order().Should().Equal(Enumerable.Range(0, 50));
            epoch.Should().NotEqual(Enumerable.Range(0, 50));
        }
    }

    [Fact]
    public void Batches_hold_the_rows_of_their_indices()
    {
        var ds = Dataset(20);
        foreach (var batch in new DataLoader(ds, batchSize: 6, shuffle: true, generator: new Generator(3)))
        {
            var (x, y) = batch;
            var ids = batch.Indices.ToArray();
            y.ToArray().Select(v => (int)v).Should().Equal(ids);
            for (int k = 0; k < ids.Length; k++)
            {
                x[k, 0, 1, 2].Should().Be(ids[k] + 2.5);
            }
        }
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var ds = Dataset(4);
        var zero = () => new DataLoader(ds, batchSize: 0);
        zero.Should().Throw<ArgumentOutOfRangeException>();
        var noGen = () => new DataLoader(ds, batchSize: 2, shuffle: true);
        noGen.Should().Throw<ArgumentException>().WithMessage("*Generator*");
    }

    [Fact]
    public void Transform_hook_runs_on_every_batch()
    {
        var loader = new DataLoader(Dataset(10), batchSize: 4, transform: Transforms.FlattenBatch());
        loader.Select(b => b[0].Shape.ToArray()).Should().BeEquivalentTo(new[] { new[] { 4, 6 }, [4, 6], [2, 6] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Dynamic_binarization_resamples_each_batch_reproducibly_without_touching_the_dataset()
    {
        var probs = Tensor.Full(new Shape(64, 100), 0.5);
        var ds = new TensorDataset(probs);
        int[] Bits(DataLoader l) => l.SelectMany(b => b[0].ToArray()).Select(v => (int)v).ToArray();
        var loader = new DataLoader(ds, batchSize: 32, shuffle: true, generator: new Generator(5), transform: Transforms.DynamicBinarize());

        var epoch1 = Bits(loader);
        var epoch2 = Bits(loader);
        var again = Bits(new DataLoader(ds, batchSize: 32, shuffle: true, generator: new Generator(5), transform: Transforms.DynamicBinarize()));

        epoch1.Should().OnlyContain(v => v == 0 || v == 1);
        epoch1.Average().Should().BeApproximately(0.5, 0.03); // 6400 draws: std 0.00625, ~5 sigma
        epoch1.Should().NotEqual(epoch2, "a fresh sample every epoch");
        Bits(loader).Should().NotEqual(epoch1);
        again.Take(epoch1.Length).Should().Equal(epoch1, "same seed, same samples");
        probs.ToArray().Should().OnlyContain(v => v == 0.5f, "batches are copies");
    }

    [Fact]
    public void Reused_buffers_are_the_same_tensors_refilled_each_step()
    {
        var loader = new DataLoader(Dataset(10), batchSize: 4) { ReuseBuffers = true };
        var seen = new List<(Tensor X, int[] Ids, int FirstPixel)>();
        foreach (var b in loader)
        {
            seen.Add((b[0], Ids(b), (int)b[0][0, 0, 0, 0]));
        }

        seen[0].X.Should().BeSameAs(seen[1].X);
        seen[2].X.Shape.Should().Equal(2, 1, 2, 3);
        seen.Select(s => s.FirstPixel).Should().Equal(0, 4, 8);
        seen.SelectMany(s => s.Ids).Should().Equal(Enumerable.Range(0, 10));
    }

    [Fact]
    public void Batch_deconstruction_checks_the_tensor_count_and_setter_checks_rows()
    {
        var batch = new DataLoader(new TensorDataset(Tensor.Zeros(3, 2)), batchSize: 3).First();
        var act = () => { var (x, y) = batch; };
        act.Should().Throw<InvalidOperationException>().WithMessage("*1 tensor*");
        var set = () => batch[0] = Tensor.Zeros(2, 2);
        set.Should().Throw<ArgumentException>().WithMessage("*[2, 2]*3*");
    }
}
