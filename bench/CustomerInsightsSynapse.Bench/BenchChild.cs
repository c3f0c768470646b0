using System.Diagnostics;

namespace CustomerInsightsSynapse.Bench;

/// <summary>This bench program started again as a child process, in one of the child modes of <c>Program.cs</c>.</summary>
internal static class BenchChild
{
    public static Process Start(IEnumerable<string> args, bool redirectInput = false)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = redirectInput, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BenchChild).Assembly.Location);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The child did not start.");
    }

    /// <summary>Runs a child to its end and returns what follows <paramref name="marker"/> on the first line of its output that starts with it.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> args, string marker)
    {
        using var child = Start(args);
        var stderr = child.StandardError.ReadToEndAsync();
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The child printed no {marker} (exit {child.ExitCode}): {output} {await stderr}");
        return line[marker.Length..].Trim();
    }
}
