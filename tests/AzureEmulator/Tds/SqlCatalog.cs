namespace AzureEmulator.Tds;

/// <summary>A column of a view, as its WITH clause (or select list) declares it.</summary>
public sealed record SqlViewColumn(string Name, string Type);

/// <summary>A view: its name, columns and, for OPENROWSET views, where it reads from; its SELECT as text, expanded when queried.</summary>
public sealed record SqlView(int ObjectId, string Schema, string Name, IReadOnlyList<SqlViewColumn> Columns, string? Bulk, string? DataSource, string? Format, string? Definition = null);

/// <summary>An external data source.</summary>
public sealed record SqlDataSource(int Id, string Name, string Location, string? Credential);

/// <summary>An external file format (CREATE EXTERNAL FILE FORMAT): the emulator models FORMAT_TYPE = PARQUET only.</summary>
public sealed record SqlExternalFileFormat(int Id, string Name, string FormatType, string? DataCompression);

/// <summary>An external table made by CETAS: where its files are (LOCATION under the data source) and how they are written.</summary>
public sealed record SqlExternalTable(int ObjectId, string Schema, string Name, string Location, string DataSource, string FileFormat);

/// <summary>A database role and the permissions granted to it ("SELECT ON SCHEMA::dbo", "REFERENCES ON DATABASE SCOPED CREDENTIAL::x").</summary>
public sealed record SqlRole(int Id, string Name)
{
    public SortedSet<string> Grants { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the database users that are members of the role (ALTER ROLE … ADD MEMBER).</summary>
    public SortedSet<string> Members { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// A database user made FROM EXTERNAL PROVIDER: its name, the Microsoft Entra object id it maps to, and its
/// sys.database_principals type (E for a user or application, X for a group).
/// </summary>
public sealed record SqlUser(int Id, string Name, string ObjectId, string Type = "E")
{
    /// <summary>The permissions granted to the user itself, in the form of <see cref="SqlRole.Grants"/>.</summary>
    public SortedSet<string> Grants { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A database scoped credential (the secret, if any, is never kept).</summary>
public sealed record SqlCredential(int Id, string Name, string Identity);

/// <summary>One batch a client sent: where, by whom, its text (secrets masked) and what the emulator answered.</summary>
public sealed record SqlBatchRecord(int Sequence, string Database, string Login, string Text, string Outcome, int? ErrorNumber, DateTimeOffset At);

/// <summary>A database and the objects the batches created in it.</summary>
public sealed class SqlDatabase(int id, string name, string? collation)
{
    public int Id { get; } = id;

    public string Name { get; } = name;

    public string? Collation { get; } = collation;

    public bool HasMasterKey { get; set; }

    /// <summary>A Lake database (shared with Spark): serverless SQL refuses every object change in it.</summary>
    public bool IsReplicated { get; init; }

    /// <summary>The object id of the login that created the database (its owner); null for master and databases made without a login.</summary>
    public string? Owner { get; set; }

    public Dictionary<string, SqlCredential> Credentials { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, SqlDataSource> DataSources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Schemas by name; every database starts with dbo, sys and INFORMATION_SCHEMA.</summary>
    public HashSet<string> Schemas { get; } = new(StringComparer.OrdinalIgnoreCase) { "dbo", "sys", "INFORMATION_SCHEMA" };

    public Dictionary<string, SqlRole> Roles { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, SqlUser> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether one of <paramref name="identities"/> (a login's object id and its groups) holds <paramref name="permission"/>
    /// ("SELECT ON SCHEMA::dbo") through a database user mapped to it or a role that user is a member of.
    /// </summary>
    public bool Holds(IReadOnlySet<string> identities, string permission) =>
        Users.Values.Where(u => identities.Contains(u.ObjectId))
            .Any(u => u.Grants.Contains(permission) || Roles.Values.Any(r => r.Members.Contains(u.Name) && r.Grants.Contains(permission)));

    /// <summary>Views by "schema.name".</summary>
    public Dictionary<string, SqlView> Views { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, SqlExternalFileFormat> ExternalFileFormats { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>External tables by "schema.name".</summary>
    public Dictionary<string, SqlExternalTable> ExternalTables { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// What the serverless SQL endpoint holds: databases and their objects, and every batch received.
/// All access goes through <see cref="Read{T}"/> and <see cref="Write{T}"/> (one lock; a batch runs under it).
/// </summary>
public sealed class SqlCatalog
{
    public const string Master = "master";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SqlDatabase> _databases = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SqlBatchRecord> _batches = [];
    private int _nextId = 5;

    public SqlCatalog() => Reset();

    public T Read<T>(Func<CatalogView, T> read)
    {
        lock (_gate)
        {
            return read(new CatalogView(this));
        }
    }

    public T Write<T>(Func<CatalogView, T> write) => Read(write);

    public void Reset()
    {
        lock (_gate)
        {
            _databases.Clear();
            _batches.Clear();
            _databases[Master] = new SqlDatabase(1, Master, "SQL_Latin1_General_CP1_CI_AS");
            _nextId = 5;
        }
    }

    public void ClearBatches()
    {
        lock (_gate)
        {
            _batches.Clear();
        }
    }

    /// <summary>The catalog under the lock: lookups, changes and the batch log.</summary>
    public readonly struct CatalogView(SqlCatalog catalog)
    {
        public IReadOnlyCollection<SqlDatabase> Databases => catalog._databases.Values;

        public IReadOnlyList<SqlBatchRecord> Batches => catalog._batches;

        public SqlDatabase? Database(string name) => catalog._databases.GetValueOrDefault(name);

        public SqlDatabase AddDatabase(string name, string? collation)
        {
            var database = new SqlDatabase(catalog._nextId++, name, collation);
            catalog._databases[name] = database;
            return database;
        }

        public bool RemoveDatabase(string name) => catalog._databases.Remove(name);

        /// <summary>Adds a Lake database, as Spark or the database designer would create it (not through T-SQL).</summary>
        public SqlDatabase AddLakeDatabase(string name)
        {
            var database = new SqlDatabase(catalog._nextId++, name, "Latin1_General_100_BIN2_UTF8") { IsReplicated = true };
            catalog._databases[name] = database;
            return database;
        }

        public int NextObjectId() => catalog._nextId++ + 1000;

        public SqlBatchRecord Record(string database, string login, string text, string outcome, int? errorNumber)
        {
            var record = new SqlBatchRecord(catalog._batches.Count + 1, database, login, text, outcome, errorNumber, DateTimeOffset.UtcNow);
            catalog._batches.Add(record);
            return record;
        }
    }
}
