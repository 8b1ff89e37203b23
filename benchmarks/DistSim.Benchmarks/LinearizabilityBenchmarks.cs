using BenchmarkDotNet.Attributes;
using DistSim.Checking;
using DistSim.Samples.Lincheck;

namespace DistSim.Benchmarks;

/// <summary>
/// <see cref="Linearizability.Analyze"/> on Porcupine's key-value histories (10 clients, split by key) and on Knossos's
/// compare-and-set histories, read from <c>tests/DistSim.Tests/Checking/Data</c> as <c>lincheck</c> reads them.
/// </summary>
[MemoryDiagnoser]
public class LinearizabilityBenchmarks
{
    private List<Operation<KvInput, string?>> _kv = [];
    private List<FileOperation> _knossos = [];

    /// <summary>The history: a Porcupine kv file or a Knossos cas-register file.</summary>
    [Params("porcupine-kv/c10-ok.txt", "porcupine-kv/c10-bad.txt", "knossos/cas-register/bad/cas-failure.edn", "knossos/cas-register/good/memstress3-12.edn")]
    public string History { get; set; } = string.Empty;

    /// <summary>Reads the file.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string file = Path.Combine(DataDirectory(), History);
        List<FileOperation> ops = HistoryPairing.Pair(file, EdnHistoryReader.Read(file, File.ReadAllText(file))).Operations;
        _knossos = ops;
        _kv = [.. ops.Where(o => o.Key is not null).Select(o => new Operation<KvInput, string?>(
            o.Process,
            o.Call,
            o.Return,
            new KvInput(o.F switch { "get" => KvOperation.Get, "put" => KvOperation.Put, _ => KvOperation.Append }, o.Key!, o.Argument.Text ?? string.Empty),
            o.Answer.Text))];
    }

    /// <summary>One check.</summary>
    [Benchmark]
    public LinearizabilityVerdict Analyze() => _kv.Count > 0
        ? Linearizability.Analyze(_kv, KeyValueModel.Instance).Verdict
        : LincheckModel.All.Single(m => m.Name == "cas-register").Check(History, _knossos, "0", unknownNil: true, new(), CancellationToken.None).Verdict;

    private static string DataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string data = Path.Combine(dir.FullName, "tests", "DistSim.Tests", "Checking", "Data");
            if (Directory.Exists(data))
            {
                return data;
            }
        }

        throw new DirectoryNotFoundException("tests/DistSim.Tests/Checking/Data not found above " + AppContext.BaseDirectory);
    }
}
