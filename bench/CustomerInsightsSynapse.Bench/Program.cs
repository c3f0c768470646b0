using CustomerInsightsSynapse.Bench;

// Usage: CustomerInsightsSynapse.Bench lake|cdm|sql [--quick] [options]   (see bench/README.md)
if (args.Length > 0 && args[0] == "lake-cpu")
{
    return await LakeCpuChild.MainAsync(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] == "rss-child")
{
    return await RssChild.MainAsync(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] == "parquet-rss-child")
{
    return await ParquetRssChild.MainAsync(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] == "cdm-child")
{
    return await CdmMethodChild.MainAsync(args.Skip(1).ToArray());
}

if (args.Length > 0 && args[0] == "sql-child")
{
    return await FirstCallChild.MainAsync(args.Skip(1).ToArray());
}

const string Usage = """
    usage: CustomerInsightsSynapse.Bench lake [--quick] [--small-files N] [--small-size MiB] [--large-files N] [--large-size MiB] [--rss-sizes MiB,MiB] [--repeat N] [--parallel-files N] [--parallel-blocks N] [--block-size MiB] [--out file.json] [--work folder]
           CustomerInsightsSynapse.Bench cdm|sql [--quick] [--entities N] [--attributes N] [--repeat N] [--out file.json] [--work folder] [--latency-ms MS (cdm: read from blob storage)]
           CustomerInsightsSynapse.Bench scale [--quick] [--entity-counts N,N,...] [--partition-counts N,N,...] [--out file.json]
           CustomerInsightsSynapse.Bench parquet [--quick] [--parquet-mib MiB] [--parquet-partitions N] [--parquet-rss-mib MiB] [--repeat N] [--latency-ms MS] [--demo-folder folder] [--out file.json] [--work folder]
    """;
try
{
    var options = args.Skip(1).ToArray();
    switch (args.FirstOrDefault())
    {
        case "lake":
            return await new LakeBench(BenchSettings.Parse(options), RepositoryRoot.Find()).RunAsync();
        case "scale":
            return await new ScaleBench(ScaleSettings.Parse(options), RepositoryRoot.Find()).RunAsync();
        case "parquet":
            return await new ParquetBench(ParquetSettings.Parse(options), RepositoryRoot.Find()).RunAsync();
        case "cdm" or "sql":
            return await new ManifestBench(args[0], ManifestSettings.Parse(options), RepositoryRoot.Find()).RunAsync();
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PSModule.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("PSModule.sln not found above " + AppContext.BaseDirectory);
    }
}
