namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// One listing of a CDM folder's files, sorted by path, answering "the file at this path" and "the files below
/// this folder" without scanning everything each time.
/// </summary>
internal sealed class FolderListing
{
    private readonly CdmFileInfo[] _files;
    private readonly Dictionary<string, CdmFileInfo> _byPath;

    public FolderListing(IEnumerable<CdmFileInfo> files)
    {
        var sorted = files.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Path, b.Path));

        // Hierarchical-namespace accounts list folders as empty blobs; a path with files below it is a folder.
        _files = sorted.Where((f, i) => !(f.Size == 0 && i + 1 < sorted.Length && sorted[i + 1].Path.StartsWith(f.Path + "/", StringComparison.Ordinal))).ToArray();
        _byPath = new Dictionary<string, CdmFileInfo>(_files.Length, StringComparer.Ordinal);
        foreach (var file in _files)
        {
            _byPath[file.Path] = file;
        }
    }

    public int Count => _files.Length;

    public CdmFileInfo? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>The files whose path starts with <paramref name="folder"/> + '/', in path order ("" = all).</summary>
    public IEnumerable<CdmFileInfo> Below(string folder)
    {
        if (folder.Length == 0)
        {
            foreach (var file in _files)
            {
                yield return file;
            }

            yield break;
        }

        var prefix = folder.TrimEnd('/') + "/";
        int lo = 0, hi = _files.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(_files[mid].Path, prefix) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < _files.Length && _files[i].Path.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return _files[i];
        }
    }
}
