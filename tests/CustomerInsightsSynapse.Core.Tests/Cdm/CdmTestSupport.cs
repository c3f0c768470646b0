using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

internal static class CdmTestSupport
{
    public static string OwnFixtures => Path.Combine(RepositoryPaths.TestData, "Cdm");

    public static CdmFolder Read(string source, CdmReaderOptions? options = null) =>
        new CdmFolderReader(null, options).ReadAsync(source, OperationContext.None).GetAwaiter().GetResult();

    public static CISynapseException ReadFails(string source, CdmReaderOptions? options = null)
    {
        var ex = Assert.ThrowsAny<Exception>(() => Read(source, options));
        return Assert.IsType<CISynapseException>(ex, exactMatch: false);
    }

    /// <summary>"type=count" pairs sorted by type, e.g. "guid=2,string=3".</summary>
    public static string TypeCounts(CdmEntity entity) =>
        string.Join(",", entity.Attributes.GroupBy(a => a.DataType).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));

    public static CdmEntity Entity(CdmFolder folder, string name) => Assert.Single(folder.Entities, e => e.Name == name);

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => Path = Directory.CreateTempSubdirectory("cisynapse-cdm-").FullName;

        public string Path { get; }

        public string Write(string relative, string content)
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            return full;
        }

        public void CopyFrom(string source)
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(source, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
