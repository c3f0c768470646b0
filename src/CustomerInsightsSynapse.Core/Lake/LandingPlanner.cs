using System.Collections.Concurrent;
using System.Globalization;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Decides per entity whether a run must land it: fingerprints its source partitions and compares the result with
/// the fingerprint recorded for its current snapshot in the database folder's model.json.
/// </summary>
public sealed class LandingPlanner
{
    private readonly BlobClientFactory _factory;
    private readonly LandingOptions _options;

    public LandingPlanner(BlobClientFactory factory, LandingOptions? options = null)
    {
        _factory = factory;
        _options = options ?? new LandingOptions();
    }

    /// <summary>Plans a landing. Refuses unsafe database or entity names (InvalidBlobPath) before reading anything.</summary>
    public async Task<LandingPlan> PlanAsync(LakeTarget target, IReadOnlyList<CdmEntity> entities, OperationContext context)
    {
        ValidateNames(target, entities);
        var container = _factory.Container(target.Container);
        var model = await LakeModel.ReadAsync(container.GetBlobClient(target.ModelPath), target.Database, context.CancellationToken).ConfigureAwait(false);
        return await PlanAsync(target, entities, model, context).ConfigureAwait(false);
    }

    internal static void ValidateNames(LakeTarget target, IReadOnlyList<CdmEntity> entities)
    {
        BlobPaths.ValidateSegment(target.Database, "database name");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entity in entities)
        {
            BlobPaths.ValidateSegment(entity.Name, "entity name");
            if (!seen.Add(entity.Name))
            {
                throw new CISynapseException(
                    ErrorIds.InvalidArgument,
                    ErrorKind.InvalidArgument,
                    $"The entity '{entity.Name}' is selected twice (names are compared without case, as Synapse does).",
                    entity.Name);
            }
        }
    }

    internal async Task<LandingPlan> PlanAsync(LakeTarget target, IReadOnlyList<CdmEntity> entities, LakeModel model, OperationContext context)
    {
        var plans = new List<EntityPlan>(entities.Count);
        foreach (var entity in entities)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var current = model.Find(entity.Name);
            try
            {
                var partitions = await ResolveAsync(entity, context.CancellationToken).ConfigureAwait(false);
                var fingerprint = EntityFingerprint.Compute(entity.Attributes, partitions);
                if (partitions.Any(p => p.LandsConverted))
                {
                    fingerprint = ParquetLanding.Fingerprint(fingerprint, _options);
                }

                if (partitions.Any(p => p.ConvertToParquet))
                {
                    partitions = partitions.Select(p => p.ConvertToParquet ? p with { RelativePath = ParquetLanding.LandedPath(p.RelativePath) } : p).ToList();
                    ValidateUnique(entity, partitions.Select(p => p.RelativePath).ToList());
                }

                var unchanged = current?.SnapshotId is not null && current.Fingerprint == fingerprint;
                plans.Add(new EntityPlan(entity, unchanged ? PlannedAction.Unchanged : PlannedAction.Land, partitions, fingerprint, current?.SnapshotId));
                context.Log.Verbose(unchanged
                    ? $"Entity '{entity.Name}' is unchanged since snapshot {current!.SnapshotId}."
                    : $"Entity '{entity.Name}' will be landed: {partitions.Count} file(s), {partitions.Sum(p => p.Size).ToString("N0", CultureInfo.InvariantCulture)} bytes.");
            }
            catch (CISynapseException ex)
            {
                context.Log.Warning($"Entity '{entity.Name}' cannot be landed: {ex.Message}");
                plans.Add(new EntityPlan(entity, PlannedAction.Failed, [], null, current?.SnapshotId, ex));
            }
        }

        return new LandingPlan(target, plans) { Model = model };
    }

    private async Task<IReadOnlyList<SourcePartition>> ResolveAsync(CdmEntity entity, CancellationToken cancellationToken)
    {
        var relative = RelativePaths(entity);
        var resolved = new SourcePartition[entity.Partitions.Count];
        // The partitions' folders are resolved once for the entity (as the CDM reader does for one read), not once per file.
        var resolvedFolders = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, resolved.Length),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelFiles, CancellationToken = cancellationToken },
            async (i, ct) => resolved[i] = await ResolveAsync(entity, entity.Partitions[i], relative[i], resolvedFolders, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return resolved;
    }

    private async Task<SourcePartition> ResolveAsync(CdmEntity entity, CdmPartition partition, string relativePath, ConcurrentDictionary<string, string> resolvedFolders, CancellationToken cancellationToken)
    {
        if (partition.IsBlob)
        {
            if (partition.Size is { } size && !string.IsNullOrEmpty(partition.ETag))
            {
                return new SourcePartition(partition, relativePath, size, NormalizeETag(partition.ETag)) { ConvertOnServer = ParquetLanding.ConvertsOnServer(_options, partition) };
            }

            var location = BlobLocation.Parse(partition.Location);
            try
            {
                var properties = (await _factory.Container(location).GetBlobClient(location.Path).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                return new SourcePartition(partition, relativePath, properties.ContentLength, NormalizeETag(properties.ETag.ToString())) { ConvertOnServer = ParquetLanding.ConvertsOnServer(_options, partition) };
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                throw NotFound(entity, partition, ex);
            }
        }

        if (!File.Exists(partition.Location))
        {
            throw NotFound(entity, partition, null);
        }

        var (realPath, _) = LocalSourceFiles.Verify(partition.LocalFolder, partition.Location, LocalSourceFiles.PartitionItem(entity.Name), resolvedFolders);
        var file = new FileInfo(realPath);

        var version = _options.LocalFingerprint == LocalFileFingerprint.ContentHash
            ? await EntityFingerprint.HashFileAsync(file.FullName, cancellationToken).ConfigureAwait(false)
            : "mtime:" + file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture);
        return new SourcePartition(partition, relativePath, file.Length, version) { ConvertToParquet = ParquetLanding.Converts(_options, partition) };
    }

    /// <summary>
    /// Where each partition goes inside the snapshot folder: its path below the deepest folder all partitions share,
    /// so a single partition keeps its file name and a partition tree keeps its shape. Each path is validated.
    /// </summary>
    internal static IReadOnlyList<string> RelativePaths(CdmEntity entity)
    {
        var segments = entity.Partitions.Select(Segments).ToList();
        if (segments.Count == 0)
        {
            return [];
        }

        var common = segments.Min(s => s.Length - 1);
        for (var i = 0; i < common; i++)
        {
            if (segments.Any(s => !string.Equals(s[i], segments[0][i], StringComparison.Ordinal)))
            {
                common = i;
                break;
            }
        }

        var paths = segments.Select(s => BlobPaths.ValidateRelativePath(string.Join('/', s.Skip(common).Select(VisibleToServerless)), $"partition path of entity '{entity.Name}'")).ToList();
        ValidateUnique(entity, paths);
        return paths;
    }

    private static void ValidateUnique(CdmEntity entity, IReadOnlyList<string> paths)
    {
        var duplicate = paths.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CISynapseException(
                ErrorIds.InvalidArgument,
                ErrorKind.InvalidData,
                $"The entity '{entity.Name}' lists the partition '{duplicate.Key}' more than once.",
                entity.Name);
        }
    }

    /// <summary>The prefix given to a landed file or folder name that serverless SQL would skip.</summary>
    internal const string HiddenNamePrefix = "x";

    /// <summary>
    /// Serverless SQL does not return files whose names start with '_' or '.', so their rows would vanish from the
    /// view: such names get <see cref="HiddenNamePrefix"/> in front (the snapshot's model.json records the new names).
    /// </summary>
    internal static string VisibleToServerless(string segment) =>
        segment.StartsWith('_') || segment.StartsWith('.') ? HiddenNamePrefix + segment : segment;

    private static string[] Segments(CdmPartition partition)
    {
        if (partition.IsBlob)
        {
            var location = BlobLocation.Parse(partition.Location);
            return [location.AccountEndpoint.AbsoluteUri, location.Container, .. location.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)];
        }

        return Path.GetFullPath(partition.Location).Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static string NormalizeETag(string etag) => etag.Trim('"');

    private static CISynapseException NotFound(CdmEntity entity, CdmPartition partition, Exception? inner) =>
        new(
            ErrorIds.PartitionNotFound,
            ErrorKind.ObjectNotFound,
            $"The partition '{Describe(partition.Location)}' of entity '{entity.Name}' does not exist.",
            entity.Name,
            inner)
        {
            RecommendedAction = "Check that the CDM folder is complete; its model.json or manifest lists a file that is not there.",
        };

    /// <summary>A location without its query string (a SAS must never reach a message).</summary>
    internal static string Describe(string location)
    {
        var q = location.IndexOf('?', StringComparison.Ordinal);
        return BlobLocation.IsUrl(location) && q >= 0 ? location[..q] : location;
    }
}
