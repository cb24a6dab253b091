using Vae.Core.Kernels;

namespace Vae.Core.Tests;

/// <summary>The kernels' parallel-for: every part runs exactly once, errors reach the caller, thresholds hold.</summary>
public sealed class ParallelWorkTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Every_part_runs_exactly_once(int count)
    {
        for (int round = 0; round < 20; round++)
        {
            var hits = new int[count];
            ParallelWork.For(count, i => Interlocked.Increment(ref hits[i]));
            hits.Should().AllBeEquivalentTo(1);
        }
    }

    [Fact]
    public void An_exception_in_a_part_is_rethrown_to_the_caller()
    {
        var act = () => ParallelWork.For(2, i =>
        {
            if (i == 1)
            {
                throw new InvalidOperationException("part 1 failed");
            }
        });
        act.Should().Throw<InvalidOperationException>().WithMessage("part 1 failed");
    }

    [Fact]
    public void Small_work_stays_on_one_thread()
    {
        ParallelWork.ThreadsFor(1_999_999, 1_000_000).Should().Be(1);
        ParallelWork.ThreadsFor(4_000_000, 1_000_000).Should().Be(Math.Min(4, ParallelWork.MaxThreads));
    }
}
