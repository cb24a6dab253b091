using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vae.Compare;
using Vae.Core;
using Vae.Core.Optim;

// The Vae.NET side of the speed comparison (issue 7): see RunOptions.Usage and benchmarks/compare/compare.sh.
RunOptions? options;
try
{
    options = RunOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(RunOptions.Usage);
    return 2;
}

if (options is null)
{
    Console.WriteLine(RunOptions.Usage);
    return 0;
}

// Our kernels size their thread use from Environment.ProcessorCount, which the runtime reads once at start-up from
// DOTNET_PROCESSOR_COUNT: --threads N restarts this program with that variable set.
const string RestartedVariable = "VAE_COMPARE_RESTARTED";
if (options.Threads is int threads && threads != Environment.ProcessorCount)
{
    if (Environment.GetEnvironmentVariable(RestartedVariable) is not null)
    {
        Console.Error.WriteLine($"--threads {threads}: the runtime still reports {Environment.ProcessorCount} processors after setting DOTNET_PROCESSOR_COUNT.");
        return 2;
    }

    return Restart(threads, args);
}

var c = CultureInfo.InvariantCulture;
string dataDir = MnistSource.Locate(options.DataDirectory);
var (train, test) = MnistSource.Load(dataDir, options.DataKind, options.TrainLimit, options.TestLimit, options.Seed);
var model = new BenchmarkModel(options.Model, options.K, new Generator(options.Seed));
var optimizer = new Adam(model.Module.Parameters(), lr: options.LearningRate, beta1: 0.9, beta2: 0.999, eps: options.AdamEps);
var runner = new EpochRunner(options, model, optimizer, train);
long parameters = model.Module.ParameterCount;

var info = new JsonObject
{
    ["model"] = options.Model,
    ["engine"] = "Vae.NET",
    ["args"] = JsonSerializer.SerializeToNode(new Dictionary<string, object?>
    {
        ["model"] = options.Model, ["epochs"] = options.Epochs, ["batch_size"] = options.BatchSize, ["k"] = options.K,
        ["threads"] = options.Threads, ["seed"] = options.Seed, ["lr"] = options.LearningRate,
        ["max_batches"] = options.MaxBatches, ["train_limit"] = options.TrainLimit, ["test_limit"] = options.TestLimit,
        ["test_batch_size"] = options.TestBatchSize, ["skip_test"] = options.SkipTest,
    }),
    ["data_dir"] = dataDir,
    ["data_preprocessing"] = options.DataKind,
    ["adam"] = new JsonObject { ["lr"] = options.LearningRate, ["betas"] = new JsonArray(0.9, 0.999), ["eps"] = options.AdamEps },
    ["parameters"] = parameters,
    ["dotnet_version"] = Environment.Version.ToString(),
    ["processor_count"] = Environment.ProcessorCount,
    ["gc"] = new JsonObject { ["server"] = GCSettings.IsServerGC, ["latency_mode"] = GCSettings.LatencyMode.ToString() },
    ["thread_env"] = JsonSerializer.SerializeToNode(new[] { "DOTNET_PROCESSOR_COUNT", "DOTNET_gcServer", "DOTNET_GCgen0size", "DOTNET_TieredPGO", "DOTNET_TieredCompilation" }
        .ToDictionary(v => v, Environment.GetEnvironmentVariable)),
    ["cpu"] = ProcessInfo.CpuModel(),
    ["date"] = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", c),
    ["loadavg_start"] = JsonSerializer.SerializeToNode(ProcessInfo.LoadAverage()),
    ["rss_after_load_mib"] = ProcessInfo.StatusMiB("VmRSS"),
    ["epochs"] = new JsonArray(),
};
if (!options.Quiet)
{
    Console.WriteLine(string.Create(c,
        $"# {options.Model}: k={options.K} batch={options.BatchSize} threads={Environment.ProcessorCount} params={parameters} train={train.Count} test={test.Shape[0]} data={options.DataKind} adam_eps={options.AdamEps} load={ProcessInfo.LoadAverage().FirstOrDefault():F1}"));
}

for (int epoch = 1; epoch <= options.Epochs; epoch++)
{
    var rec = new JsonObject { ["epoch"] = epoch };
    foreach (var (key, value) in runner.TrainEpoch().ToList())
    {
        rec[key] = value?.DeepClone();
    }

    if (!options.SkipTest)
    {
        foreach (var (key, value) in runner.Evaluate(test).ToList())
        {
            rec[key] = value?.DeepClone();
        }
    }

    info["epochs"]!.AsArray().Add(rec);
    if (!options.Quiet)
    {
        string testText = options.SkipTest ? "" : string.Create(c, $"  test {(double)rec["test_loss"]!:F3} ({(double)rec["test_seconds"]!:F2} s)");
        var steady = rec["steady_state"];
        string allocText = steady is null ? "" : string.Create(c,
            $"  alloc {(double)steady["alloc_bytes_per_step"]! / 1024:F0} KiB/step, gen0 {(int)steady["gc_gen0"]!} gen1 {(int)steady["gc_gen1"]!} gen2 {(int)steady["gc_gen2"]!}");
        Console.WriteLine(string.Create(c,
            $"epoch {epoch}: train {(double)rec["train_seconds"]!:F2} s ({(int)rec["train_batches"]!} batches, median {(double)rec["batch_ms_median"]!:F2} ms/batch, {(double)rec["images_per_second"]!:F0} img/s)  loss {(double)rec["train_loss"]!:F3}{testText}{allocText}  peak RSS {(double?)rec["peak_rss_mib"] ?? double.NaN:F0} MiB"));
    }
}

info["loadavg_end"] = JsonSerializer.SerializeToNode(ProcessInfo.LoadAverage());
info["peak_rss_mib"] = ProcessInfo.StatusMiB("VmHWM");
if (options.Json is not null)
{
    File.WriteAllText(options.Json, info.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}

return 0;

static int Restart(int threads, string[] args)
{
    string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's path to restart it.");
    var start = new ProcessStartInfo(host) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet")
    {
        start.ArgumentList.Add(typeof(RunOptions).Assembly.Location);   // run as `dotnet Vae.Compare.dll`
    }

    foreach (string a in args)
    {
        start.ArgumentList.Add(a);
    }

    start.Environment["DOTNET_PROCESSOR_COUNT"] = threads.ToString(CultureInfo.InvariantCulture);
    start.Environment[RestartedVariable] = "1";
    using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
    child.WaitForExit();
    return child.ExitCode;
}
