using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Vae.Core.Kernels;

/// <summary>The helper threads and the jobs they share with the caller (see <see cref="ParallelWork"/>).</summary>
internal static partial class ParallelWork
{
    /// <summary>Restores the previous per-thread override.</summary>
    private sealed class ThreadsScope(int previous) : IDisposable
    {
        public void Dispose() => t_threadsOverride = previous;
    }

    /// <summary>
    /// One dedicated helper thread with a one-job mailbox: <see cref="TryGive"/> posts a job if the mailbox is
    /// empty; the thread takes it, runs parts of it, then spins briefly for the next job before blocking.
    /// </summary>
    private sealed class Helper
    {
        private readonly Thread _thread;
        private readonly object _gate = new();
        private Job? _mailbox;
        private int _sleeping;
        private int _taken;
        private int _sleeps;

        public Helper(int index)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = $"Vae.Core kernel helper {index + 1}" };
        }

        public void Start() => _thread.Start();

        /// <summary>Whether <paramref name="job"/> sits in the mailbox, not yet taken.</summary>
        public bool Holds(Job job) => ReferenceEquals(Volatile.Read(ref _mailbox), job);

        /// <summary>Jobs taken and times blocked (diagnostics for benchmarks; written by the helper thread only).</summary>
        public (int Taken, int Sleeps) Counts => (_taken, _sleeps);

        /// <summary>Posts <paramref name="job"/> unless a job is already waiting; wakes the thread if it blocks.</summary>
        public bool TryGive(Job job)
        {
            if (Interlocked.CompareExchange(ref _mailbox, job, null) is not null)
            {
                return false;
            }

            // Dekker with the helper: it sets _sleeping (full fence) before its last look at the mailbox, and the
            // exchange above is a full fence before this read, so at least one of the two sees the other's write.
            if (Volatile.Read(ref _sleeping) != 0)
            {
                lock (_gate)
                {
                    Monitor.Pulse(_gate);
                }
            }

            return true;
        }

        private void Loop()
        {
            while (true)
            {
                var job = WaitForJob();
                job.Execute();
                job.Leave();
            }
        }

        private Job WaitForJob()
        {
            long last = Stopwatch.GetTimestamp(), deadline = last + SpinTicks;
            while (true)
            {
                if (Volatile.Read(ref _mailbox) is not null)
                {
                    return Take();
                }

                // Stop spinning at the deadline, or at once when a gap between two looks shows that the scheduler
                // took the core away (an oversubscribed machine): spinning on would only take it from others.
                long now = Stopwatch.GetTimestamp();
                if (now - last > PreemptedTicks)
                {
                    MarkContended();
                    break;
                }

                if (now > deadline)
                {
                    break;
                }

                last = now;

                // Pause instructions only: no Thread.Yield. Under EEVDF (Linux ≥ 6.6) every sched_yield pushes the
                // thread's virtual deadline back by a slice, so a spinning helper that yields starves itself.
                Thread.SpinWait(16);
            }

            Interlocked.Exchange(ref _sleeping, 1);
            _sleeps++;
            lock (_gate)
            {
                while (Volatile.Read(ref _mailbox) is null)
                {
                    Monitor.Wait(_gate);
                }
            }

            Interlocked.Exchange(ref _sleeping, 0);
            return Take();
        }

        /// <summary>Enters the posted job, then empties the mailbox (the order <see cref="RentJob"/> relies on).</summary>
        private Job Take()
        {
            var job = Volatile.Read(ref _mailbox)!;
            _taken++;
            job.Enter();
            Interlocked.Exchange(ref _mailbox, null);
            return job;
        }
    }

    /// <summary>
    /// One <see cref="For"/> call: the shared part counter, the count of unfinished parts, the first error. Reused
    /// by its calling thread for later calls once no helper can reach it any more.
    /// </summary>
    private sealed class Job
    {
        private int _count;
        private Action<int>? _body;
        private int _next;
        private int _pending;
        private int _inside;
        private ExceptionDispatchInfo? _error;

        /// <summary>Between <see cref="Start"/> and <see cref="Finish"/>.</summary>
        public bool InUse { get; private set; }

        /// <summary>Whether a helper has entered this job and not yet left it.</summary>
        public bool HelpersInside => Volatile.Read(ref _inside) != 0;

        public void Start(int count, Action<int> body)
        {
            InUse = true;
            _error = null;
            _body = body;
            _count = count;
            _pending = count;
            Volatile.Write(ref _next, 0);
        }

        public void Finish()
        {
            _body = null;
            InUse = false;
        }

        public void Enter() => Interlocked.Increment(ref _inside);

        public void Leave() => Interlocked.Decrement(ref _inside);

        /// <summary>Draws and runs parts until none is left (run by the caller and by each helper).</summary>
        public void Execute()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                try
                {
                    _body!(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }

                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    lock (this)
                    {
                        Monitor.PulseAll(this);
                    }
                }
            }
        }

        /// <summary>
        /// Waits for the parts other threads drew: spinning for up to 200 µs (they are running), then blocking, so
        /// that a helper the scheduler preempted in the middle of its part can get this core back; rethrows the
        /// first error. Parts are of equal size, so a helper still busy well after the caller's own share took
        /// <paramref name="ownTicks"/> was most likely preempted: that marks the machine contended. (A long wait
        /// alone is no sign: the helper starts its part later than the caller, and big parts take milliseconds.)
        /// </summary>
        public void Wait(long ownTicks)
        {
            if (Volatile.Read(ref _pending) != 0)
            {
                long start = Stopwatch.GetTimestamp();
                long spinUntil = start + WaitSpinTicks;
                while (Volatile.Read(ref _pending) != 0 && Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(8);
                }

                if (Volatile.Read(ref _pending) != 0)
                {
                    long lateAfter = start + WaitSpinTicks + (2 * ownTicks);
                    bool marked = false;
                    lock (this)
                    {
                        while (Volatile.Read(ref _pending) != 0)
                        {
                            long remaining = lateAfter - Stopwatch.GetTimestamp();
                            if (remaining > 0)
                            {
                                Monitor.Wait(this, TimeSpan.FromMilliseconds(Math.Max(1, remaining * 1000 / Stopwatch.Frequency)));
                            }
                            else
                            {
                                if (!marked)
                                {
                                    MarkContended();
                                    marked = true;
                                }

                                Monitor.Wait(this);
                            }
                        }
                    }
                }
            }

            _error?.Throw();
        }
    }
}
