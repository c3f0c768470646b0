using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Whether a principal is to be given query access to an export's views or to lose it.</summary>
public enum QueryAccessChange
{
    Grant,
    Revoke,
}

/// <summary>What happened to the principal's membership of the reader role.</summary>
public enum QueryAccessStatus
{
    /// <summary>Added to the role (the database user was made when missing).</summary>
    Added,

    /// <summary>Already a member: nothing was changed.</summary>
    AlreadyMember,

    /// <summary>Taken out of the role.</summary>
    Removed,

    /// <summary>Not a member: nothing was changed.</summary>
    NotMember,

    /// <summary>-WhatIf, or the change was declined: nothing was changed.</summary>
    NotChanged,
}

/// <summary>What happened to the principal's storage data role (CallerIdentity mode only).</summary>
public enum QueryStorageRoleStatus
{
    /// <summary>WorkspaceIdentity mode: the workspace identity reads storage; the principal needs no storage role.</summary>
    NotNeeded,

    /// <summary>The principal already holds a role that reads the container's blobs.</summary>
    Present,

    /// <summary>Storage Blob Data Reader was assigned now.</summary>
    Assigned,

    /// <summary>The principal lacks the role and it was not assigned (declined, or the caller may not assign roles).</summary>
    Missing,

    /// <summary>Whether the principal can read the container could not be decided.</summary>
    Unknown,

    /// <summary>Revoke without -IncludeStorageRole: storage roles were left as they are.</summary>
    Kept,

    /// <summary>The Storage Blob Data Reader assignment this module makes was removed.</summary>
    Removed,

    /// <summary>There was no Storage Blob Data Reader assignment made by this module to remove.</summary>
    NotFound,
}

/// <summary>A grant or revoke of query access: the export and the principal.</summary>
public sealed record QueryAccessRequest(string ExportName, QueryPrincipalName Principal, QueryAccessChange Change)
{
    /// <summary>Revoke only: also remove the Storage Blob Data Reader assignment Grant makes in CallerIdentity mode.</summary>
    public bool IncludeStorageRole { get; init; }
}

/// <summary>What a grant or revoke will do, worked out before anything changes.</summary>
public sealed record QueryAccessPlan(
    QueryAccessRequest Request,
    ExportDefinition Export,
    ConnectionDefinition Connection,
    QueryPrincipal Principal,
    SqlEndpoint Endpoint,
    QueryAccessState State,
    PrerequisiteResult? StorageCheck)
{
    public QueryAccessMode AccessMode => Export.QueryAccess;

    /// <summary>The role membership changes: a grant to a non-member, a revoke of a member.</summary>
    public bool ChangesMembership => Request.Change == QueryAccessChange.Grant ? !State.IsMember : State.IsMember;

    /// <summary>The T-SQL that makes the change, for -WhatIf and messages.</summary>
    public SqlScript Script => Request.Change == QueryAccessChange.Grant
        ? QueryAccessScript.Grant(Export.DatabaseName, AccessMode, Principal.SqlName)
        : QueryAccessScript.Revoke(Export.DatabaseName, AccessMode, Principal.SqlName);

    /// <summary>Grant in CallerIdentity mode when the principal cannot read the container: the role assignment that fixes it.</summary>
    public RepairAction? StorageRoleToAssign =>
        Request.Change == QueryAccessChange.Grant && AccessMode == QueryAccessMode.CallerIdentity && StorageCheck is { CanRepair: true } check ? check.Repair : null;

    /// <summary>Revoke -IncludeStorageRole in CallerIdentity mode: the assignment Grant makes (deterministic name), to remove.</summary>
    public RepairAction? StorageRoleToRemove =>
        Request.Change == QueryAccessChange.Revoke && Request.IncludeStorageRole && AccessMode == QueryAccessMode.CallerIdentity
            ? new RepairAction(RepairKind.ArmRoleAssignment, Connection.StorageAccountResourceId, WellKnownRoles.StorageBlobDataReader,
                WellKnownRoles.NameOf(WellKnownRoles.StorageBlobDataReader), Principal.ObjectId, Principal.Type.ToString())
            : null;

    /// <summary>The storage status before any storage change: what the check found, or that none is needed or asked.</summary>
    public QueryStorageRoleStatus StorageStatusBefore => Request.Change == QueryAccessChange.Revoke
        ? QueryStorageRoleStatus.Kept
        : AccessMode == QueryAccessMode.WorkspaceIdentity
            ? QueryStorageRoleStatus.NotNeeded
            : StorageCheck?.Status switch
            {
                PrerequisiteStatus.Passed or PrerequisiteStatus.Warning => QueryStorageRoleStatus.Present,
                PrerequisiteStatus.Failed => QueryStorageRoleStatus.Missing,
                _ => QueryStorageRoleStatus.Unknown,
            };
}

/// <summary>What a grant or revoke did.</summary>
public sealed record QueryAccessResult(QueryAccessPlan Plan, QueryAccessStatus Status, bool UserDropped, QueryStorageRoleStatus StorageRole);

/// <summary>How <see cref="ExportQueryAccess"/> reaches Azure: Graph, the connection's targets, SQL, the prerequisite checks and role assignments.</summary>
public sealed class QueryAccessEnvironment
{
    public required AzureRestClient Graph { get; init; }

    public required AzureRestClient ResourceManager { get; init; }

    public required IExportTargets Targets { get; init; }

    public required Func<SqlEndpoint, SqlScriptExecutor> SqlExecutors { get; init; }

    public required Func<PrerequisiteTarget, OperationContext, Task<IReadOnlyList<PrerequisiteResult>>> CheckPrerequisites { get; init; }

    public required Func<RepairAction, OperationContext, Task<RepairOutcome>> AssignRole { get; init; }

    /// <summary>
    /// Everything signed in with <paramref name="session"/>; role assignments retry PrincipalNotFound as
    /// <see cref="PrerequisiteRepairer.PrincipalRetryVariable"/> says (InvalidPrincipalRetrySetting when it is malformed).
    /// </summary>
    public static QueryAccessEnvironment For(AzureSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var arm = session.CreateResourceManagerClient();
        var backoff = PrerequisiteRepairer.BackoffFromSetting(Environment.GetEnvironmentVariable(PrerequisiteRepairer.PrincipalRetryVariable));
        var repairer = new PrerequisiteRepairer(session) { PrincipalNotFoundBackoff = backoff };
        return new QueryAccessEnvironment
        {
            Graph = session.CreateGraphClient(),
            ResourceManager = arm,
            Targets = new ArmExportTargets(arm),
            SqlExecutors = endpoint => new SqlScriptExecutor(endpoint, session.Credential, session.Cloud.SqlAudience),
            CheckPrerequisites = (target, context) => new PrerequisiteChecker(session).TestAsync(target, context),
            AssignRole = repairer.RepairAsync,
        };
    }
}

/// <summary>
/// Adds a Microsoft Entra principal to an export's reader role (<see cref="ServerlessSqlGenerator.ReaderRoleName"/>) and
/// takes it out again, the FAQ's "other users can't query" solved in both query access modes. In WorkspaceIdentity
/// mode the role's REFERENCES on the credential is all a query user needs; in CallerIdentity mode the user reads the
/// files with its own identity, so Grant also checks its storage data role (the QueryUserStorageAccess prerequisite) and
/// names the assignment that is missing. Needs the role in the definition store that changing the export needs.
/// </summary>
public sealed class ExportQueryAccess(DefinitionStore store, QueryAccessEnvironment environment)
{
    private readonly RoleService _roles = new(store);

    /// <summary>Reads the export, the principal and the database's state; changes nothing.</summary>
    public async Task<QueryAccessPlan> PlanAsync(QueryAccessRequest request, Caller caller, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = context.CancellationToken;
        var exportName = DocumentNames.Validate(request.ExportName, "export name");
        var export = (await store.GetAsync(ExportService.Kind, exportName, token).ConfigureAwait(false))?.Content
            ?? throw await ExportService.NotFoundAsync(store, exportName, token).ConfigureAwait(false);
        var connection = (await store.GetAsync(ConnectionService.Kind, export.ConnectionName, token).ConfigureAwait(false))?.Content
            ?? throw await ConnectionService.NotFoundAsync(store, export.ConnectionName, token).ConfigureAwait(false);
        var verb = request.Change == QueryAccessChange.Grant ? "grant query access to" : "revoke query access to";
        await _roles.DemandExportAsync(caller, connection, $"{verb} the export '{export.Name}'", token).ConfigureAwait(false);

        var principal = await new QueryPrincipalResolver(environment.Graph).ResolveAsync(request.Principal, token).ConfigureAwait(false);
        if (export.Deployment == DeploymentMode.ScriptOnly)
        {
            var script = request.Change == QueryAccessChange.Grant
                ? QueryAccessScript.Grant(export.DatabaseName, export.QueryAccess, principal.SqlName)
                : QueryAccessScript.Revoke(export.DatabaseName, export.QueryAccess, principal.SqlName);
            throw new CISynapseException(
                ErrorIds.QueryAccessScriptOnly,
                ErrorKind.InvalidOperation,
                $"The export '{export.Name}' deploys its SQL as a script (ScriptOnly), so the module sends no SQL to its database '{export.DatabaseName}'. Run this in that database:\n{script.Batches[0].Text}",
                export.Name);
        }

        var endpoint = await environment.Targets.SqlEndpointAsync(connection, token).ConfigureAwait(false)
            ?? throw NotReady(export, $"Resource Manager names no serverless SQL endpoint for the workspace '{connection.WorkspaceName}'");
        var executor = environment.SqlExecutors(endpoint);
        var databaseId = await executor.QueryAsync("master", QueryAccessScript.DatabaseIdQuery(export.DatabaseName), null, token).ConfigureAwait(false);
        if (databaseId is not [[not null]])
        {
            throw NotReady(export, $"the database '{export.DatabaseName}' does not exist on '{endpoint}'");
        }

        var state = QueryAccessScript.ReadState((await executor.QueryAsync(export.DatabaseName, QueryAccessScript.StateQuery(principal.SqlName), null, token).ConfigureAwait(false))!);
        if (!state.RoleExists)
        {
            throw NotReady(export, $"the database '{export.DatabaseName}' has no role {ServerlessSqlGenerator.ReaderRoleName}");
        }

        if (state.NameTakenByOther)
        {
            throw new CISynapseException(
                ErrorIds.QueryPrincipalNameTaken,
                ErrorKind.InvalidOperation,
                $"The database '{export.DatabaseName}' already has a principal named '{principal.SqlName}' of type {state.UserType}, which is not a Microsoft Entra user, application or group; {principal} cannot be made a database user of that name.",
                principal.SqlName);
        }

        PrerequisiteResult? storageCheck = null;
        if (request.Change == QueryAccessChange.Grant && export.QueryAccess == QueryAccessMode.CallerIdentity)
        {
            var target = new PrerequisiteTarget(connection.SubscriptionId, connection.WorkspaceResourceGroupName, connection.WorkspaceName, connection.StorageAccountResourceId, connection.Container)
            {
                QueryUserObjectIds = [principal.ObjectId],
            };
            var results = await environment.CheckPrerequisites(target, context).ConfigureAwait(false);
            storageCheck = results.FirstOrDefault(r => r.CheckId == CheckIds.QueryUserStorageAccess
                && string.Equals(r.Principal.ObjectId, principal.ObjectId, StringComparison.OrdinalIgnoreCase));
        }

        return new QueryAccessPlan(request, export, connection, principal, endpoint, state, storageCheck);
    }

    /// <summary>Runs the plan's T-SQL when it changes the membership; reports a no-op otherwise.</summary>
    public async Task<(QueryAccessStatus Status, bool UserDropped)> ApplyMembershipAsync(QueryAccessPlan plan, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var grant = plan.Request.Change == QueryAccessChange.Grant;
        if (!plan.ChangesMembership)
        {
            return (grant ? QueryAccessStatus.AlreadyMember : QueryAccessStatus.NotMember, false);
        }

        var executor = environment.SqlExecutors(plan.Endpoint);
        context.Log.Verbose($"{(grant ? "Adding" : "Removing")} {plan.Principal} {(grant ? "to" : "from")} {ServerlessSqlGenerator.ReaderRoleName} in '{plan.Export.DatabaseName}'.");
        await executor.ExecuteAsync(plan.Script, context).ConfigureAwait(false);
        if (grant)
        {
            return (QueryAccessStatus.Added, false);
        }

        var after = QueryAccessScript.ReadState((await executor.QueryAsync(plan.Export.DatabaseName, QueryAccessScript.StateQuery(plan.Principal.SqlName), null, context.CancellationToken).ConfigureAwait(false))!);
        return (QueryAccessStatus.Removed, !after.UserExists);
    }

    /// <summary>
    /// Assigns the storage role the plan's check found missing. A failure (most often: the caller may not assign roles)
    /// is QueryUserStorageRoleMissing with the command that assigns it.
    /// </summary>
    public async Task<QueryStorageRoleStatus> AssignStorageRoleAsync(QueryAccessPlan plan, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var action = plan.StorageRoleToAssign ?? throw new InvalidOperationException("The plan has no storage role to assign.");
        var outcome = await environment.AssignRole(action, context).ConfigureAwait(false);
        if (outcome.Status == RepairStatus.Failed)
        {
            throw StorageRoleMissing(plan, $"Assigning it failed: {outcome.Message}");
        }

        return QueryStorageRoleStatus.Assigned;
    }

    /// <summary>The error for a CallerIdentity principal that cannot read the container, naming the command that fixes it.</summary>
    public static CISynapseException StorageRoleMissing(QueryAccessPlan plan, string why)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var scope = plan.StorageRoleToAssign?.Scope ?? plan.Connection.StorageAccountResourceId;
        var command = $"New-AzRoleAssignment -ObjectId '{plan.Principal.ObjectId}' -RoleDefinitionName '{WellKnownRoles.NameOf(WellKnownRoles.StorageBlobDataReader)}' -Scope '{scope}'";
        return new CISynapseException(
            ErrorIds.QueryUserStorageRoleMissing,
            ErrorKind.PermissionDenied,
            $"The export '{plan.Export.Name}' reads storage with the caller's identity (CallerIdentity), and {plan.Principal} has no role that reads the blobs of container '{plan.Connection.Container}' of '{plan.Connection.StorageAccountName}'. {why}",
            plan.Principal.ObjectId)
        {
            RecommendedAction = $"Ask an Owner or User Access Administrator of the storage account to run: {command}",
        };
    }

    /// <summary>Removes the Storage Blob Data Reader assignment Grant makes (by its deterministic name); other assignments are left alone.</summary>
    public async Task<QueryStorageRoleStatus> RemoveStorageRoleAsync(QueryAccessPlan plan, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var action = plan.StorageRoleToRemove ?? throw new InvalidOperationException("The plan has no storage role to remove.");
        using var response = await environment.ResourceManager.DeleteAsync(ArmPaths.RoleAssignment(action.Scope, PrerequisiteRepairer.AssignmentName(action)), context.CancellationToken).ConfigureAwait(false);
        return response.Status == 204 ? QueryStorageRoleStatus.NotFound : QueryStorageRoleStatus.Removed;
    }

    private static CISynapseException NotReady(ExportDefinition export, string why) =>
        new(
            ErrorIds.QueryAccessDatabaseNotReady,
            ErrorKind.ObjectNotFound,
            $"Query access to the export '{export.Name}' cannot be changed yet: {why}. A run of the export in Apply mode creates the database and its reader role.",
            export.Name);
}
