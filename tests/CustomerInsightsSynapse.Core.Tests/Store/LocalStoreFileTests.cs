using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Tests.Store;

/// <summary>What a local store opens: regular files inside its folder, of at most the size limit.</summary>
public sealed class LocalStoreFileTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();
    private readonly string _outside = Directory.CreateTempSubdirectory("cisynapse-outside-").FullName;

    public void Dispose()
    {
        _folder.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    private string Counters => Directory.CreateDirectory(Path.Combine(_folder.Path, "counters")).FullName;

    [Fact]
    public async Task A_fifo_named_like_a_document_is_refused_without_being_opened()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fifo = Path.Combine(Counters, "pipe.json");
        MakeFifo(fifo);
        var store = _folder.Open();

        // Opening a FIFO for reading blocks until a writer comes; the refusal must come first.
        var get = store.GetAsync(TestKinds.Counters, "pipe", default);
        var hangGuard = Task.Delay(TimeSpan.FromMinutes(1));
        Assert.Same(get, await Task.WhenAny(get, hangGuard));
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => get);

        Assert.Equal(ErrorIds.StoreDocumentNotRegularFile, ex.ErrorId);
        Assert.Contains(fifo, ex.Message);
        Assert.NotNull(ex.RecommendedAction);
        var update = await Assert.ThrowsAsync<CISynapseException>(() => store.CreateAsync(TestKinds.Counters, "pipe", new Counter(1), null, default));
        Assert.Equal(ErrorIds.StoreDocumentNotRegularFile, update.ErrorId);
        Assert.Equal(ErrorIds.StoreDocumentNotRegularFile, Assert.Single((await store.ListAsync(TestKinds.Counters, default)).Problems).ErrorId);
    }

    [Fact]
    public async Task A_document_linked_to_dev_zero_is_refused_and_the_other_documents_still_list()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "good", new Counter(1), null, default);
        File.CreateSymbolicLink(Path.Combine(Counters, "zero.json"), "/dev/zero");

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "zero", default));
        var listing = await store.ListAsync(TestKinds.Counters, default);

        Assert.Equal(ErrorIds.StoreDocumentOutsideStore, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Equal("good", Assert.Single(listing.Documents).Name);
        Assert.Single(listing.Problems);
    }

    [Fact]
    public async Task A_document_linked_to_a_file_outside_the_store_is_refused_and_the_file_is_never_written()
    {
        var outsideFile = Path.Combine(_outside, "secret.json");
        await new DefinitionStore(new LocalFolderBackend(_outside)).CreateAsync(TestKinds.Counters, "secret", new Counter(42), null, default);
        var secretBytes = await File.ReadAllBytesAsync(Path.Combine(_outside, "counters", "secret.json"));
        File.Move(Path.Combine(_outside, "counters", "secret.json"), outsideFile);
        File.CreateSymbolicLink(Path.Combine(Counters, "secret.json"), outsideFile);
        var store = _folder.Open();

        var read = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "secret", default));
        var write = await Assert.ThrowsAsync<CISynapseException>(() => store.UpdateAsync(TestKinds.Counters, "secret", 1, new Counter(0), null, default));

        Assert.Equal(ErrorIds.StoreDocumentOutsideStore, read.ErrorId);
        Assert.Equal(ErrorIds.StoreDocumentOutsideStore, write.ErrorId);
        Assert.DoesNotContain("42", read.Message);
        Assert.Equal(secretBytes, await File.ReadAllBytesAsync(outsideFile));
    }

    [Fact]
    public async Task A_kind_folder_linked_outside_the_store_is_refused_for_reads_and_creates()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "counters"), _outside);
        File.WriteAllText(Path.Combine(_outside, "c.json"), "{}");
        var store = _folder.Open();

        var read = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "c", default));
        var create = await Assert.ThrowsAsync<CISynapseException>(() => store.CreateAsync(TestKinds.Counters, "new", new Counter(1), null, default));

        Assert.Equal(ErrorIds.StoreDocumentOutsideStore, read.ErrorId);
        Assert.Equal(ErrorIds.StoreDocumentOutsideStore, create.ErrorId);
        Assert.Equal(["c.json"], Directory.GetFiles(_outside).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_link_whose_target_climbs_out_through_another_link_is_refused()
    {
        // counters/away -> outside; counters/x.json -> away/../x.json looks inside the store as text, but the
        // system resolves ".." from where "away" really points.
        Directory.CreateSymbolicLink(Path.Combine(Counters, "away"), Path.Combine(_outside, "deeper"));
        Directory.CreateDirectory(Path.Combine(_outside, "deeper"));
        File.WriteAllText(Path.Combine(_outside, "x.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(Counters, "x.json"), "away/../x.json");

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _folder.Open().GetAsync(TestKinds.Counters, "x", default));

        Assert.Equal(ErrorIds.StoreDocumentOutsideStore, ex.ErrorId);
    }

    [Fact]
    public async Task A_link_to_another_document_inside_the_store_is_read()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "real", new Counter(7), null, default);
        var copy = (await store.Backend.ReadAsync("counters", "real.json", default))!.Content;
        var linked = Path.Combine(Counters, "linked.json");
        await File.WriteAllBytesAsync(Path.Combine(_folder.Path, "kept.json"), copy);
        File.CreateSymbolicLink(linked, Path.Combine("..", "kept.json"));

        var raw = await store.Backend.ReadAsync("counters", "linked.json", default);

        Assert.Equal(copy, raw!.Content);
    }

    [Fact]
    public async Task A_document_over_the_size_limit_is_refused_from_its_length_alone()
    {
        var store = _folder.Open();
        var path = Path.Combine(Counters, "huge.json");
        using (var sparse = File.Create(path))
        {
            sparse.SetLength(StoreLimits.MaxDocumentBytes + 1);
        }

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "huge", default));

        Assert.Equal(ErrorIds.StoreDocumentTooLarge, ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
        Assert.Contains(path, ex.Message);
        Assert.Equal(StoreLimits.MaxDocumentBytes + 1, new FileInfo(path).Length);
    }

    [Fact]
    public async Task A_document_at_the_size_limit_is_read_and_one_byte_more_is_refused()
    {
        var backend = new LocalFolderBackend(_folder.Path) { MaxDocumentBytes = 1000 };
        var bytes = new byte[1000];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(Path.Combine(Counters, "full.json"), bytes);
        await File.WriteAllBytesAsync(Path.Combine(Counters, "over.json"), new byte[1001]);

        var raw = await backend.ReadAsync("counters", "full.json", default);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => backend.ReadAsync("counters", "over.json", default));

        Assert.Equal(bytes, raw!.Content);
        Assert.Equal(ErrorIds.StoreDocumentTooLarge, ex.ErrorId);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
