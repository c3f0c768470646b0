using System.Text;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Tests.Store;

public sealed class LocalStoreTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Create_then_get_returns_the_content_with_schema_version_and_first_revision()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "Sales", new Counter(7, "x"), "oid-1", default);

        var read = await _folder.Open().GetAsync(TestKinds.Counters, "sales", default);

        Assert.NotNull(read);
        Assert.Equal("Sales", read.Name);
        Assert.Equal(new Counter(7, "x"), read.Content);
        Assert.Equal(1, read.Revision);
        Assert.Equal(1, read.SchemaVersion);
        Assert.Equal("oid-1", read.ModifiedBy);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder.Path, "counters", "sales.json")));
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("revision").GetInt64());
        Assert.Equal(7, json.RootElement.GetProperty("content").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Create_refuses_a_name_that_differs_only_in_case_and_leaves_the_first()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "Sales", new Counter(1), null, default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.CreateAsync(TestKinds.Counters, "SALES", new Counter(2), null, default));

        Assert.Equal(ErrorIds.StoreDocumentExists, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, ex.Kind);
        Assert.Equal(1, (await store.GetAsync(TestKinds.Counters, "sales", default))!.Content.Value);
    }

    [Fact]
    public async Task Update_with_a_stale_revision_is_refused_and_writes_nothing()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        await store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);
        var path = Path.Combine(_folder.Path, "counters", "c.json");
        var before = File.ReadAllBytes(path);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _folder.Open().UpdateAsync(TestKinds.Counters, "c", 1, new Counter(99), null, default));

        Assert.Equal(ErrorIds.StoreConflict, ex.ErrorId);
        Assert.Contains("revision 1", ex.Message);
        Assert.Contains("revision 2", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Delete_with_a_stale_revision_is_refused()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        await store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.DeleteAsync(TestKinds.Counters, "c", 1, default));

        Assert.Equal(ErrorIds.StoreConflict, ex.ErrorId);
        Assert.NotNull(await store.GetAsync(TestKinds.Counters, "c", default));
        await store.DeleteAsync(TestKinds.Counters, "c", 2, default);
        Assert.Null(await store.GetAsync(TestKinds.Counters, "c", default));
    }

    /// <summary>With a frozen clock the writers of one revision compute the same document, but for its write id.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Twenty_concurrent_writers_with_separate_store_instances_lose_no_update(bool frozenClock)
    {
        const int writers = 20;
        const int incrementsEach = 5;
        DefinitionStore OpenWriter() => new(new LocalFolderBackend(_folder.Path, TimeSpan.FromMinutes(1)), frozenClock ? FrozenClock.Noon : null);
        await OpenWriter().CreateAsync(TestKinds.Counters, "shared", new Counter(0), null, default);

        var conflicts = await StoreRaces.IncrementConcurrentlyAsync(OpenWriter, "shared", writers, incrementsEach);

        var final = (await _folder.Open().GetAsync(TestKinds.Counters, "shared", default))!;
        Assert.Equal(writers * incrementsEach, final.Content.Value);
        Assert.Equal(1 + (writers * incrementsEach), final.Revision);
        Assert.True(conflicts >= writers - 1, $"every writer but one should have met a conflict; {conflicts} did");
        var files = Directory.GetFiles(Path.Combine(_folder.Path, "counters"));
        Assert.Equal(["shared.json"], files.Select(Path.GetFileName));
        using var json = JsonDocument.Parse(File.ReadAllBytes(files[0]));
        Assert.Equal(writers * incrementsEach, json.RootElement.GetProperty("content").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Two_writers_of_the_same_bytes_from_the_same_tag_are_not_both_told_they_wrote()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var baseTag = (await store.Backend.ReadAsync("counters", "c.json", default))!.Tag;
        var sameNextDocument = Encoding.UTF8.GetBytes("{\"same\":\"bytes\"}");

        var first = await _folder.Open().Backend.WriteAsync("counters", "c.json", sameNextDocument, baseTag, default);
        var second = await _folder.Open().Backend.WriteAsync("counters", "c.json", sameNextDocument, baseTag, default);

        Assert.Equal(WriteOutcome.Written, first.Outcome);
        Assert.Equal(WriteOutcome.Changed, second.Outcome);
    }

    [Fact]
    public async Task A_document_deleted_and_created_again_with_the_same_content_and_time_has_a_new_tag()
    {
        var store = new DefinitionStore(new LocalFolderBackend(_folder.Path), FrozenClock.Noon);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);
        var readBefore = (await store.Backend.ReadAsync("counters", "c.json", default))!;
        await store.DeleteAsync(TestKinds.Counters, "c", 1, default);
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), "oid", default);

        var stale = await store.Backend.WriteAsync("counters", "c.json", Encoding.UTF8.GetBytes("{}"), readBefore.Tag, default);

        Assert.Equal(WriteOutcome.Changed, stale.Outcome);
        Assert.Equal(1, (await store.GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    [Fact]
    public async Task A_temp_file_left_by_a_writer_that_died_before_the_rename_leaves_the_old_document_and_is_cleaned_up()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var folder = Path.Combine(_folder.Path, "counters");
        var abandoned = Path.Combine(folder, LocalFolderBackend.TempPrefix + "crashed.json");
        File.WriteAllText(abandoned, "{\"schemaVersion\":1,\"kind\":\"counters\",\"name\":\"c\",\"revis");

        var afterCrash = await _folder.Open().GetAsync(TestKinds.Counters, "c", default);
        var listing = await _folder.Open().ListAsync(TestKinds.Counters, default);

        Assert.Equal(1, afterCrash!.Content.Value);
        Assert.Single(listing.Documents);
        Assert.Empty(listing.Problems);

        await store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);
        Assert.False(File.Exists(abandoned));
        Assert.Equal(2, (await store.GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    [Fact]
    public async Task A_failure_between_write_and_rename_leaves_the_old_document_readable_and_intact()
    {
        await _folder.Open().CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var backend = new LocalFolderBackend(_folder.Path);
        var store = new DefinitionStore(backend);
        Counter? seenDuringWindow = null;
        string? tempPath = null;
        backend.AfterTempFileWritten = temp =>
        {
            tempPath = temp;
            Assert.True(File.Exists(temp));
            seenDuringWindow = _folder.Open().GetAsync(TestKinds.Counters, "c", default).GetAwaiter().GetResult()!.Content;
            throw new IOException("simulated crash before rename");
        };

        await Assert.ThrowsAsync<IOException>(() => store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default));

        Assert.Equal(new Counter(1), seenDuringWindow);
        var after = await _folder.Open().GetAsync(TestKinds.Counters, "c", default);
        Assert.Equal(1, after!.Content.Value);
        Assert.Equal(1, after.Revision);
        Assert.NotNull(tempPath);
        Assert.False(File.Exists(tempPath));
    }

    [Fact]
    public async Task A_corrupt_document_is_reported_with_its_path_and_left_untouched()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "good", new Counter(1), null, default);
        await store.CreateAsync(TestKinds.Counters, "bad", new Counter(1), null, default);
        var path = Path.Combine(_folder.Path, "counters", "bad.json");
        var garbage = Encoding.UTF8.GetBytes("{ \"schemaVersion\": 1, \"kind\": \"counters\", ");
        File.WriteAllBytes(path, garbage);

        var get = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "bad", default));
        var update = await Assert.ThrowsAsync<CISynapseException>(() => store.UpdateAsync(TestKinds.Counters, "bad", 1, new Counter(5), null, default));
        var delete = await Assert.ThrowsAsync<CISynapseException>(() => store.DeleteAsync(TestKinds.Counters, "bad", 1, default));
        var create = await Assert.ThrowsAsync<CISynapseException>(() => store.CreateAsync(TestKinds.Counters, "BAD", new Counter(5), null, default));
        var listing = await store.ListAsync(TestKinds.Counters, default);

        foreach (var ex in new[] { get, update, delete, create })
        {
            Assert.Equal(ErrorIds.StoreDocumentCorrupt, ex.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, ex.Kind);
            Assert.Contains(path, ex.Message);
            Assert.Equal(path, ex.Target);
        }

        Assert.Equal(["good"], listing.Documents.Select(d => d.Name));
        Assert.Equal(path, Assert.Single(listing.Problems).Target);
        Assert.Equal(garbage, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_document_with_a_content_of_the_wrong_shape_is_reported_as_corrupt()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var path = Path.Combine(_folder.Path, "counters", "c.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"value\": 1", "\"value\": \"one\"", StringComparison.Ordinal));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "c", default));

        Assert.Equal(ErrorIds.StoreDocumentCorrupt, ex.ErrorId);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task A_document_with_a_newer_schema_version_is_reported_and_never_overwritten()
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        var path = Path.Combine(_folder.Path, "counters", "c.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"schemaVersion\": 1", "\"schemaVersion\": 7", StringComparison.Ordinal));
        var before = File.ReadAllBytes(path);

        var get = await Assert.ThrowsAsync<CISynapseException>(() => store.GetAsync(TestKinds.Counters, "c", default));
        var update = await Assert.ThrowsAsync<CISynapseException>(() => store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default));
        var listing = await store.ListAsync(TestKinds.Counters, default);

        Assert.Equal(ErrorIds.StoreSchemaTooNew, get.ErrorId);
        Assert.Contains(path, get.Message);
        Assert.Contains("schema version 7", get.Message);
        Assert.Equal(ErrorIds.StoreSchemaTooNew, update.ErrorId);
        Assert.Equal(ErrorIds.StoreSchemaTooNew, Assert.Single(listing.Problems).ErrorId);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Files_and_folders_are_readable_only_by_the_owner()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var root = Path.Combine(_folder.Path, "home");
        var store = new DefinitionStore(new LocalFolderBackend(root));
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        await store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);

        const UnixFileMode folderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode fileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(folderMode, File.GetUnixFileMode(root));
        Assert.Equal(folderMode, File.GetUnixFileMode(Path.Combine(root, "counters")));
        Assert.Equal(fileMode, File.GetUnixFileMode(Path.Combine(root, "counters", "c.json")));
        Assert.Equal(fileMode, File.GetUnixFileMode(Path.Combine(root, LocalFolderBackend.LockFileName)));
    }

    [Fact]
    public async Task A_writer_gives_up_with_a_clear_error_when_another_holds_the_lock()
    {
        var store = _folder.Open(TimeSpan.FromMilliseconds(300));
        await store.CreateAsync(TestKinds.Counters, "c", new Counter(1), null, default);
        using (new FileStream(Path.Combine(_folder.Path, LocalFolderBackend.LockFileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default));
            Assert.Equal(ErrorIds.StoreLockTimeout, ex.ErrorId);
            Assert.Equal(ErrorKind.OperationTimeout, ex.Kind);
            Assert.Contains(_folder.Path, ex.Message);
        }

        await store.UpdateAsync(TestKinds.Counters, "c", 1, new Counter(2), null, default);
        Assert.Equal(2, (await store.GetAsync(TestKinds.Counters, "c", default))!.Content.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("trailing.")]
    [InlineData(" leading")]
    public async Task Invalid_names_are_refused_before_anything_is_written(string name)
    {
        var store = _folder.Open();

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.CreateAsync(TestKinds.Counters, name, new Counter(1), null, default));

        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "counters")) && Directory.EnumerateFiles(Path.Combine(_folder.Path, "counters")).Any());
    }

    [Theory]
    [InlineData("Ventes été 2026")]
    [InlineData("con")]
    [InlineData("a:b*c?")]
    public async Task Names_that_are_not_plain_file_names_round_trip_and_stay_unique_without_regard_to_case(string name)
    {
        var store = _folder.Open();
        await store.CreateAsync(TestKinds.Counters, name, new Counter(3), null, default);

        Assert.Equal(name, (await store.GetAsync(TestKinds.Counters, name.ToUpperInvariant(), default))!.Name);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => store.CreateAsync(TestKinds.Counters, name.ToUpperInvariant(), new Counter(4), null, default));
        Assert.Equal(ErrorIds.StoreDocumentExists, ex.ErrorId);
        var file = Path.GetFileName(Assert.Single(Directory.GetFiles(Path.Combine(_folder.Path, "counters"))));
        Assert.Contains('~', file);
    }

    [Fact]
    public async Task Untyped_listing_reads_any_schema_version_for_cross_kind_queries()
    {
        var store = _folder.Open();
        await store.CreateAsync(new DocumentKind<Counter>("exports", 3), "e1", new Counter(1, "conn"), null, default);

        var listing = await store.ListContentAsync("exports", default);

        var doc = Assert.Single(listing.Documents);
        Assert.Equal("conn", doc.Content.GetProperty("note").GetString());
        Assert.Equal(3, doc.SchemaVersion);
    }
}
