using System.Text;
using AzureEmulator.Sql;
using AzureEmulator.Tds;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace AzureEmulator.Tests;

/// <summary>Blobs held in memory for the executor tests: text files, byte files and generated streams.</summary>
internal sealed class MemoryFileStore : ISqlFileStore
{
    private readonly Dictionary<(string Account, string Container, string Name), Func<Stream>> _files = [];

    public MemoryFileStore Add(string account, string container, string name, string text) => Add(account, container, name, Encoding.UTF8.GetBytes(text));

    public MemoryFileStore Add(string account, string container, string name, byte[] bytes) => Add(account, container, name, () => new MemoryStream(bytes, writable: false));

    public MemoryFileStore Add(string account, string container, string name, Func<Stream> open)
    {
        _files[(account, container, name)] = open;
        return this;
    }

    public IReadOnlyList<string>? List(string account, string container, string prefix) =>
        _files.Keys.Any(k => k.Account == account && k.Container == container) || container == "empty"
            ? _files.Keys.Where(k => k.Account == account && k.Container == container && k.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k.Name).ToList()
            : null;

    public Stream? Open(string account, string container, string name) => _files.TryGetValue((account, container, name), out var open) ? open() : null;

    public void Write(string account, string container, string name, ReadOnlyMemory<byte> content) => Add(account, container, name, content.ToArray());

    public void Delete(string account, string container, string name) => _files.Remove((account, container, name));

    /// <summary>The names of the blobs under <paramref name="prefix"/> in lakeacct/exports.</summary>
    public List<string> Names(string prefix) => List("lakeacct", "exports", prefix)?.Order(StringComparer.Ordinal).ToList() ?? [];

    public byte[] Bytes(string name)
    {
        using var stream = Open("lakeacct", "exports", name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// A catalog with one database (Lake data source on https://lakeacct.dfs.core.windows.net/exports), files in memory,
/// and storage rights given per principal; queries run through the batch interpreter exactly as the TDS session runs them.
/// </summary>
internal sealed class SqlQueryFixture
{
    public const string Caller = "aaaaaaaa-0000-4000-8000-000000000001";
    public const string WorkspaceIdentity = "aaaaaaaa-0000-4000-8000-0000000000aa";
    public const string Database = "Sales";

    public SqlQueryFixture()
    {
        Storage = new SqlStorageContext(
            Files,
            (principal, account, container) => Readers.Contains(principal) && account == "lakeacct",
            () => WorkspaceIdentity,
            principal => Administrators.Contains(principal),
            principal => new HashSet<string>(Groups.Where(g => g.Value.Contains(principal)).Select(g => g.Key).Append(principal), StringComparer.OrdinalIgnoreCase),
            name => Principals.TryGetValue(name, out var id) ? new SqlDirectoryPrincipal(id, Groups.ContainsKey(id)) : null,
            (principal, account, container) => Writers.Contains(principal) && account == "lakeacct");
        Interpreter = new SqlBatchInterpreter(Catalog, Storage);
        Ok("CREATE DATABASE [Sales];", "master");
        Ok("CREATE EXTERNAL DATA SOURCE [Lake] WITH (LOCATION = N'https://lakeacct.dfs.core.windows.net/exports');");
    }

    public SqlCatalog Catalog { get; } = new();

    public MemoryFileStore Files { get; } = new();

    public HashSet<string> Readers { get; } = [Caller, WorkspaceIdentity];

    public HashSet<string> Administrators { get; } = [];

    /// <summary>Principals with a blob write role (Storage Blob Data Contributor) on lakeacct.</summary>
    public HashSet<string> Writers { get; } = [Caller, WorkspaceIdentity];

    /// <summary>Microsoft Entra principals CREATE USER … FROM EXTERNAL PROVIDER finds: UPN or display name → object id.</summary>
    public Dictionary<string, string> Principals { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Group object id → the object ids of its members.</summary>
    public Dictionary<string, HashSet<string>> Groups { get; } = [];

    public SqlStorageContext Storage { get; }

    public SqlBatchInterpreter Interpreter { get; }

    public SqlQueryFixture File(string path, string text)
    {
        Files.Add("lakeacct", "exports", path, text);
        return this;
    }

    public BatchOutcome Run(string sql, string database = Database, string login = Caller) => Interpreter.Run(sql, database, login);

    public void Ok(string sql, string database = Database)
    {
        var outcome = Run(sql, database);
        Assert.True(outcome.ErrorNumber is null, $"batch failed with {outcome.ErrorNumber}: {sql}");
    }

    /// <summary>The columns and rows of a SELECT, read straight from the executor (no wire).</summary>
    public (IReadOnlyList<SqlColumn> Columns, List<object?[]> Rows) Query(string sql, string login = Caller, SqlLoginRights? rights = null)
    {
        var rowset = Rowset(sql, login, rights);
        return (rowset.Columns, rowset.Rows.ToList());
    }

    internal Rowset Rowset(string sql, string login = Caller, SqlLoginRights? rights = null)
    {
        using var reader = new StringReader(sql);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        Assert.Empty(errors);
        var select = (SelectStatement)((TSqlScript)fragment).Batches[0].Statements[0];
        return Catalog.Read(c => new QueryExecutor(c.Database(Database)!, login, Storage) { Rights = rights }.Execute(select));
    }

    /// <summary>The error a SELECT fails with (the rows are enumerated, as the endpoint does).</summary>
    public SqlError Error(string sql, string login = Caller, SqlLoginRights? rights = null)
    {
        var ex = Assert.ThrowsAny<Exception>(() => Query(sql, login, rights));
        return ex switch
        {
            SqlStatementException statement => statement.Error,
            _ => throw new Xunit.Sdk.XunitException($"expected a SQL error, got {ex}"),
        };
    }

    public static string Csv(string bulk, string with, string options = "PARSER_VERSION = '2.0'") =>
        $"SELECT * FROM OPENROWSET(BULK N'{bulk}', DATA_SOURCE = N'Lake', FORMAT = 'CSV', {options}) WITH ({with}) AS [r]";
}
