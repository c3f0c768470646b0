using CustomerInsightsSynapse.Bench;

// Usage: CustomerInsightsSynapse.Bench lake [--quick] [options]   (see bench/README.md)
if (args.Length > 0 && args[0] == "rss-child")
{
    return await RssChild.MainAsync(args.Skip(1).ToArray());
}

if (args.Length == 0 || args[0] != "lake")
{
    Console.Error.WriteLine("usage: CustomerInsightsSynapse.Bench lake [--quick] [--small-files N] [--small-size MiB] [--large-files N] [--large-size MiB] [--rss-sizes MiB,MiB] [--repeat N] [--parallel-files N] [--parallel-blocks N] [--block-size MiB] [--out file.json] [--work folder]");
    return 2;
}

try
{
    var settings = BenchSettings.Parse(args.Skip(1).ToArray());
    return await new LakeBench(settings, RepositoryRoot.Find()).RunAsync();
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
