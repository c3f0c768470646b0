using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// What an export's serverless database was last brought to by an applied run, kept beside the data
/// (<c>{Database}/_sql/deployed.json</c>): the generator that wrote its objects, the key of its shared objects
/// (database, master key, credential, reader role, data source), and per view the key of the inputs its definition
/// was generated from. A key is a hash of everything the generator reads for that object, so an equal key proves
/// the object generated now would be the one already in the database.
/// </summary>
public sealed record SqlDeploymentState(string Generator, string SharedKey, IReadOnlyDictionary<string, string> Views);

/// <summary>Which objects of a deployment differ from the database's <see cref="SqlDeploymentState"/>.</summary>
public sealed record SqlDeploymentChanges(bool SharedObjects, IReadOnlyList<LandedEntity> Views)
{
    public bool None => !SharedObjects && Views.Count == 0;
}

/// <summary>The keys of a deployment (<see cref="SqlDeploymentState"/>) and the comparison that decides what a run regenerates.</summary>
public static class SqlDeployment
{
    /// <summary>
    /// The generator's identity: the module version id of the assembly that holds it, which changes with any change
    /// to its code (builds are deterministic), so a module upgrade regenerates every object.
    /// </summary>
    public static string Generator { get; } = typeof(ServerlessSqlGenerator).Assembly.ManifestModule.ModuleVersionId.ToString("n");

    /// <summary>
    /// Lists the database's views in the <c>dbo</c> schema (schema id 1 in every database). Constant text, parsed by the
    /// tests rather than at run time, so that a run with nothing to change creates no parser.
    /// </summary>
    public static SqlBatch ListViews { get; } = new("list views", SqlBatchKind.View, SqlBatchTarget.Database, "SELECT [name] FROM sys.views WHERE [schema_id] = 1;");

    /// <summary>The state after applying <paramref name="request"/> in full.</summary>
    public static SqlDeploymentState StateOf(SqlScriptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var shared = SharedKey(request);
        var views = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var landed in request.Entities)
        {
            views[landed.Entity.Name] = ViewKey(shared, landed);
        }

        return new SqlDeploymentState(Generator, shared, views);
    }

    /// <summary>
    /// What must be generated for <paramref name="request"/> when the database holds <paramref name="deployed"/> and the
    /// views named in <paramref name="presentViews"/>: everything when there is no state or another generator wrote
    /// it; otherwise the shared objects when their key changed, and each view whose key changed or that is missing.
    /// </summary>
    public static SqlDeploymentChanges Compare(SqlScriptRequest request, SqlDeploymentState? deployed, IReadOnlySet<string> presentViews)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(presentViews);
        var wanted = StateOf(request);
        if (deployed is null || deployed.Generator != wanted.Generator || deployed.SharedKey != wanted.SharedKey)
        {
            return new SqlDeploymentChanges(true, request.Entities);
        }

        var changed = request.Entities
            .Where(e => !presentViews.Contains(e.Entity.Name)
                || !deployed.Views.TryGetValue(e.Entity.Name, out var key)
                || key != wanted.Views[e.Entity.Name])
            .ToList();
        return new SqlDeploymentChanges(false, changed);
    }

    /// <summary>
    /// The state after a run applied <paramref name="applied"/> on top of <paramref name="previous"/>: views of the
    /// previous state that were not regenerated keep their keys when the shared objects stayed the same.
    /// </summary>
    public static SqlDeploymentState Merge(SqlDeploymentState? previous, SqlScriptRequest applied)
    {
        var now = StateOf(applied);
        if (previous is null || previous.Generator != now.Generator || previous.SharedKey != now.SharedKey)
        {
            return now;
        }

        var views = new Dictionary<string, string>(previous.Views, StringComparer.Ordinal);
        foreach (var (name, key) in now.Views)
        {
            views[name] = key;
        }

        return now with { Views = views };
    }

    public static BinaryData Serialize(SqlDeploymentState state) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(state, StoreJson.Options));

    /// <summary>The state in <paramref name="json"/>, or null when it is not one (it is then regenerated in full).</summary>
    public static SqlDeploymentState? Deserialize(BinaryData json)
    {
        try
        {
            var state = JsonSerializer.Deserialize<SqlDeploymentState>(json, StoreJson.Options);
            return state is { Generator: not null, SharedKey: not null, Views: not null } ? state : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SharedKey(SqlScriptRequest request) =>
        Hash(Generator, request.Database, request.AccessMode.ToString(), request.DataLake.Location);

    /// <summary>
    /// Everything the view's definition is generated from: the entity's name, attributes and partition format and CSV
    /// settings, whether it has partitions, and its snapshot folder (whose files are immutable). Partition locations,
    /// sizes and tags are left out: they change the snapshot, not the view over it.
    /// </summary>
    private static string ViewKey(string sharedKey, LandedEntity landed)
    {
        var entity = landed.Entity;
        var inputs = new ViewInputs(
            entity.Name,
            entity.Attributes,
            entity.Partitions.Count,
            entity.Partitions.Select(p => p.Format).Distinct().ToList(),
            entity.Partitions.Select(p => p.Csv ?? CsvFormat.Default).Distinct().ToList(),
            landed.SnapshotFolder);
        return Hash(sharedKey, JsonSerializer.Serialize(inputs, StoreJson.Options));
    }

    private sealed record ViewInputs(string Entity, IReadOnlyList<CdmAttribute> Attributes, int Partitions, IReadOnlyList<PartitionFormat> Formats, IReadOnlyList<CsvFormat> Csv, string SnapshotFolder);

    private static string Hash(params string[] parts)
    {
        var text = string.Join('\n', parts.Select(p => p.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + p));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }
}
