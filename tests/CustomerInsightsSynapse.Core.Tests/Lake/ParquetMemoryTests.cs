using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Lake;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManagedMemoryCollection
{
    /// <summary>Tests that measure the process's managed heap run alone.</summary>
    public const string Name = "Managed memory";
}

/// <summary>Converting a partition holds one row group in memory, not the file.</summary>
[Collection(ManagedMemoryCollection.Name)]
public sealed class ParquetMemoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parquet-memory-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    [Fact]
    public async Task LargePartition_ConvertsWithManagedMemoryFarBelowItsSize()
    {
        var path = Path.Combine(_folder, "large.csv");
        var rows = WriteLargeCsv(path, targetBytes: 96L * 1024 * 1024);
        var size = new FileInfo(path).Length;
        CdmAttribute[] attributes = [new("Id", "int64"), new("Name", "string"), new("Created", "dateTime"), new("Amount", "decimal", Precision: 18, Scale: 4), new("Flag", "boolean"), new("Note", "string")];
        var partition = new CdmPartition(path, PartitionFormat.Csv, CsvFormat.Default);
        var writer = new ParquetPartitionWriter(new CdmEntity("Large", attributes, [partition]), partition, InvalidValueAction.Fail);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                Thread.Sleep(2);
            }
        });

        ParquetConversionResult result;
        await using (var csv = File.OpenRead(path))
        {
            var output = new CountingStream();
            result = await writer.ConvertAsync(csv, output, CancellationToken.None);
            Assert.True(output.Written > 0);
        }

        await stop.CancelAsync();
        await sampler;

        Assert.Equal(rows, result.Rows);
        Assert.True(result.RowGroups > 10, $"{result.RowGroups} row groups");
        // Converting a row group of the default 4 Mi characters allocates about ten times its text (UTF-16 strings,
        // then Parquet.Net's encoding and compression buffers): some 50 MB whatever the file's size. Holding the whole
        // file would take that ratio on the file's 96 MiB.
        var grew = peak - baseline;
        Assert.True(grew < size, $"managed heap grew by {grew:N0} bytes converting {size:N0} bytes");
    }

    private static long WriteLargeCsv(string path, long targetBytes)
    {
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var rows = 0L;
        var line = new StringBuilder();
        while (file.BaseStream.Position < targetBytes)
        {
            line.Clear().Append(CultureInfo.InvariantCulture, $"{rows},\"Customer {rows} of a long export, with a comma\",2026-11-28T12:{rows % 60:D2}:00.1234567Z,{rows % 100000}.1234,{(rows % 2 == 0 ? "True" : "False")},\"note {rows % 977}\"\n");
            file.Write(line);
            rows++;
        }

        return rows;
    }

    /// <summary>A destination that keeps nothing, so only the conversion's own memory is measured.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written += count;
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
