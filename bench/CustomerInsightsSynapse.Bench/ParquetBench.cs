using System.Diagnostics;
using System.Globalization;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// The parquet scenario (issue 23): the bytes a one-column aggregate reads from the landed Parquet against the CSV
/// size, for the demo entities and a generated entity; landing the generated entity as Parquet vs as CSV (through
/// the storage proxy when run.ps1 adds latency); peak RSS of a child converting one large partition.
/// </summary>
internal sealed class ParquetBench(ParquetSettings settings, string repositoryRoot)
{
    private const long MiB = 1024 * 1024;
    private const string DemoGroup = "bytes a SUM of one column reads: demo entities";
    private const string RssGroup = "peak RSS, one partition to Parquet (child process)";
    private const string AsParquet = "lander as Parquet";
    private const string AsCsv = "lander as CSV";

    /// <summary>CDM data types a SUM applies to; an entity's first attribute of one of them is the column summed.</summary>
    private static readonly HashSet<string> NumericTypes = new(StringComparer.OrdinalIgnoreCase) { "decimal", "double", "float", "int64", "int32", "int16", "integer", "bigInteger", "smallInteger", "byte" };

    private readonly List<Series> _series = [];
    private BlobServiceClient _service = null!;
    private BlobClientFactory _factory = null!;
    private string _endpoint = null!;
    private int _containers;

    private string GeneratedGroup => $"{(settings.LatencyMilliseconds is { } ms ? $"{ms} ms, " : string.Empty)}local {settings.GeneratedPartitions} x {settings.GeneratedMiB / (double)settings.GeneratedPartitions:0.#} MiB (generated Customer)";

    private string GeneratedBytesGroup => $"bytes a SUM of one column reads: generated {settings.GeneratedMiB} MiB";

    public async Task<int> RunAsync()
    {
        var work = settings.WorkFolder is null ? Directory.CreateTempSubdirectory("cisynapse-bench-parquet-").FullName : Directory.CreateDirectory(settings.WorkFolder).FullName;
        try
        {
            Console.WriteLine($"Work folder {work}.");
            var connectionString = AzuriteAccount.ConnectionString();
            var options = BlobClientFactory.DefaultOptions();
            _service = new BlobServiceClient(connectionString, options);
            _endpoint = _service.Uri.AbsoluteUri.TrimEnd('/');
            _factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey), options);

            await DemoBytesAsync(settings.DemoFolder ?? WriteDemoFolder(Path.Combine(work, "demo")));

            Console.WriteLine($"Writing the generated entity: {settings.GeneratedMiB} MiB of CSV in {settings.GeneratedPartitions} partitions.");
            var generated = ParquetCustomerData.Write(Path.Combine(work, "generated"), "Customer", settings.GeneratedMiB * MiB, settings.GeneratedPartitions, seed: 23);
            await ThroughputAsync(generated);
            foreach (var p in generated.Partitions)
            {
                File.Delete(p.Location);
            }

            await RssAsync(work, connectionString);
        }
        finally
        {
            try
            {
                Directory.Delete(work, true);
            }
            catch (IOException)
            {
            }
        }

        var checks = Checks();
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(_series, checks));
        var file = settings.OutputFile ?? Path.Combine(repositoryRoot, "bench", "results", $"parquet-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.json");
        ResultFile.Write(file, "parquet", settings, _series, checks);
        Console.WriteLine($"Results: {file}");
        return 0;
    }

    /// <summary>The demo's CDM folder, written as tests/Demo/Demo.ps1 writes it.</summary>
    private string WriteDemoFolder(string folder)
    {
        Console.WriteLine("Writing the demo's CDM folder (tests/TestStack/CdmTestData.psm1).");
        static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        var module = Path.Combine(repositoryRoot, "tests", "TestStack", "CdmTestData.psm1");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", $"$ErrorActionPreference = 'Stop'; Import-Module {Quote(module)}; $null = New-CISynapseTestCdmFolder -Path {Quote(folder)} -Rows @{{ Customer = 500; UnifiedActivity = 2000; CustomerMeasures = 500; Segments = 50 }} -PartitionsPerEntity 2" })
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("dotnet pwsh did not start.");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"Writing the demo folder failed (exit {child.ExitCode}): {stdout} {stderr.Result}");
        }

        return folder;
    }

    private async Task DemoBytesAsync(string folder)
    {
        var cdm = await new CdmFolderReader().ReadAsync(folder, OperationContext.None);
        var container = await NewContainerAsync();
        var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{container.Name}"), "DemoDb");
        Console.WriteLine($"Landing the {cdm.Entities.Count} demo entities of {folder} as Parquet.");
        var clock = Stopwatch.StartNew();
        var result = await new LakeLander(_factory, new LandingOptions { LandAs = LandingFormat.Parquet }).LandAsync(target, cdm.Entities, OperationContext.None);
        var landingSeconds = clock.Elapsed.TotalSeconds;
        long csvTotal = 0;
        long aggregateTotal = 0;
        foreach (var entity in cdm.Entities)
        {
            var landed = result.Entities.Single(e => e.Entity == entity.Name);
            if (landed.Action != LandingAction.Landed)
            {
                throw new InvalidOperationException($"The demo entity {entity.Name} did not land: {landed.Error?.Message}");
            }

            var column = entity.Attributes.FirstOrDefault(a => NumericTypes.Contains(a.DataType)).Name;
            if (column is null)
            {
                continue;
            }

            var csv = entity.Partitions.Sum(p => new FileInfo(p.Location).Length);
            var files = await LandedFilesAsync(container, landed.SnapshotFolder!, column);
            csvTotal += csv;
            aggregateTotal += files.Sum(f => f.AggregateBytes);
            var series = Get(DemoGroup, $"{entity.Name}: SUM({column})", null, csv);
            series.Seconds.Add(landed.Duration.TotalSeconds);
            Record(series, csv, files);
        }

        var total = Get(DemoGroup, "all demo entities", null, csvTotal);
        total.Seconds.Add(landingSeconds);
        total.Figures["csvBytes"] = csvTotal;
        total.Figures["aggregateBytes"] = aggregateTotal;
        total.Figures["csvPerAggregate"] = csvTotal / (double)aggregateTotal;
        await container.DeleteAsync();
    }

    /// <summary>
    /// After a warm-up of each, every repetition lands the generated entity as Parquet and as CSV, into new containers,
    /// the two taking turns going first (Parquet first in the warm-up, whose Parquet landing gives the bytes figure of
    /// the generated entity).
    /// </summary>
    private async Task ThroughputAsync(CdmEntity entity)
    {
        var csv = entity.Partitions.Sum(p => new FileInfo(p.Location).Length);
        var parquet = Get(GeneratedGroup, AsParquet, AsCsv, csv);
        var plain = Get(GeneratedGroup, AsCsv, null, csv);
        for (var r = 0; r <= settings.Repetitions; r++)
        {
            Console.WriteLine(r == 0 ? $"{GeneratedGroup}: warm-up." : $"{GeneratedGroup}: repetition {r} of {settings.Repetitions}.");
            double parquetSeconds = 0, csvSeconds = 0;
            async Task AsParquetAsync()
            {
                (parquetSeconds, var parquetContainer, var landed) = await LandAsync(entity, LandingFormat.Parquet);
                if (r == 0)
                {
                    var files = await LandedFilesAsync(parquetContainer, landed.SnapshotFolder!, ParquetCustomerData.AggregatedColumn);
                    var series = Get(GeneratedBytesGroup, $"{entity.Name}: SUM({ParquetCustomerData.AggregatedColumn})", null, csv);
                    series.Seconds.Add(parquetSeconds);
                    Record(series, csv, files);
                }

                await parquetContainer.DeleteAsync();
            }

            async Task AsCsvAsync()
            {
                (csvSeconds, var csvContainer, _) = await LandAsync(entity, LandingFormat.Csv);
                await csvContainer.DeleteAsync();
            }

            foreach (var land in r % 2 == 0 ? new[] { AsParquetAsync, AsCsvAsync } : [AsCsvAsync, AsParquetAsync])
            {
                await land();
            }

            if (r > 0)
            {
                parquet.Seconds.Add(parquetSeconds);
                plain.Seconds.Add(csvSeconds);
            }
        }
    }

    private async Task<(double Seconds, BlobContainerClient Container, EntityLandingResult Landed)> LandAsync(CdmEntity entity, LandingFormat landAs)
    {
        var container = await NewContainerAsync();
        var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{container.Name}"), "BenchDb");
        var lander = new LakeLander(_factory, new LandingOptions { LandAs = landAs });
        var clock = Stopwatch.StartNew();
        var result = await lander.LandAsync(target, [entity], OperationContext.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var landed = result.Entities[0];
        if (landed.Action != LandingAction.Landed)
        {
            throw new InvalidOperationException($"Landing {entity.Name} as {landAs} failed: {landed.Error?.Message}");
        }

        return (seconds, container, landed);
    }

    private async Task RssAsync(string work, string connectionString)
    {
        var idle = RssChild.Run(["rss-child", "--idle", "--connection", connectionString]);
        Get(RssGroup, "idle child (clients created, nothing landed)", null, 0).Figures["VmHWM_MB"] = idle / 1024.0;

        Console.WriteLine($"peak RSS: writing one {settings.RssMiB} MiB CSV partition.");
        var entity = ParquetCustomerData.Write(Path.Combine(work, "rss"), "Customer", settings.RssMiB * MiB, 1, seed: 29);
        var file = entity.Partitions[0].Location;
        Console.WriteLine($"peak RSS: converting and landing it as Parquet in a child process.");
        var container = await NewContainerAsync();
        var clock = Stopwatch.StartNew();
        var kb = RssChild.Run(["parquet-rss-child", "--connection", connectionString, "--container", container.Name, "--file", file]);
        var series = Get(RssGroup, $"convert {settings.RssMiB} MiB", null, new FileInfo(file).Length);
        series.Seconds.Add(clock.Elapsed.TotalSeconds);
        series.Figures["VmHWM_MB"] = kb / 1024.0;
        await container.DeleteAsync();
        File.Delete(file);
    }

    private async Task<List<ParquetFileBytes>> LandedFilesAsync(BlobContainerClient container, string snapshotFolder, string column)
    {
        var files = new List<ParquetFileBytes>();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, snapshotFolder.TrimEnd('/') + "/", CancellationToken.None))
        {
            if (item.Name.EndsWith(".parquet", StringComparison.Ordinal))
            {
                files.Add(await ParquetColumnBytes.ReadBlobAsync(container.GetBlobClient(item.Name), column, CancellationToken.None));
            }
        }

        return files.Count > 0 ? files : throw new InvalidOperationException($"No Parquet file landed under {snapshotFolder}.");
    }

    private static void Record(Series series, long csvBytes, List<ParquetFileBytes> files)
    {
        var aggregate = files.Sum(f => f.AggregateBytes);
        series.Figures["csvBytes"] = csvBytes;
        series.Figures["parquetBytes"] = files.Sum(f => f.FileBytes);
        series.Figures["files"] = files.Count;
        series.Figures["columnChunkBytes"] = files.Sum(f => f.ColumnBytes);
        series.Figures["footerBytes"] = files.Sum(f => f.FooterBytes);
        series.Figures["aggregateBytes"] = aggregate;
        series.Figures["csvPerAggregate"] = csvBytes / (double)aggregate;
    }

    private List<Check> Checks()
    {
        var ci = CultureInfo.InvariantCulture;
        var checks = new List<Check>();
        string Times(double x) => x.ToString("0.0", ci) + "x";

        var generated = _series.Single(s => s.Group == GeneratedBytesGroup);
        var generatedRatio = generated.Figures["csvPerAggregate"];
        checks.Add(new Check($"{GeneratedBytesGroup}: CSV bytes >= 5x the bytes SUM({ParquetCustomerData.AggregatedColumn}) reads", $"{Times(generatedRatio)} ({generated.Figures["csvBytes"]:0} vs {generated.Figures["aggregateBytes"]:0} bytes)", generatedRatio >= 5));

        var demo = Find(DemoGroup, "all demo entities");
        var demoRatio = demo.Figures["csvPerAggregate"];
        checks.Add(new Check($"{DemoGroup}, all together: CSV bytes >= 5x the bytes one SUM per entity reads", $"{Times(demoRatio)} ({demo.Figures["csvBytes"]:0} vs {demo.Figures["aggregateBytes"]:0} bytes)", demoRatio >= 5));

        var speed = Find(GeneratedGroup, AsCsv).Median / Find(GeneratedGroup, AsParquet).Median;
        checks.Add(new Check($"{GeneratedGroup}: landing as Parquet >= 0.5x the speed of landing as CSV", speed.ToString("0.00", ci) + "x", speed >= 0.5));

        var rss = Find(RssGroup, $"convert {settings.RssMiB} MiB").Figures["VmHWM_MB"];
        checks.Add(new Check($"peak RSS converting one {settings.RssMiB} MiB partition to Parquet < 300 MB", rss.ToString("0", ci) + " MB", rss < 300));
        return checks;
    }

    private Series Find(string group, string method) => _series.Single(s => s.Group == group && s.Method == method);

    private Series Get(string group, string method, string? baseline, long bytes)
    {
        var s = _series.FirstOrDefault(x => x.Group == group && x.Method == method);
        if (s is null)
        {
            s = new Series(group, method, baseline, bytes);
            _series.Add(s);
        }

        return s;
    }

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var c = _service.GetBlobContainerClient($"parquet-{Interlocked.Increment(ref _containers)}-{Guid.NewGuid().ToString("N")[..6]}");
        await c.CreateAsync();
        return c;
    }
}
