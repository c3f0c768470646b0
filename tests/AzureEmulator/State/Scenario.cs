using System.Text.Json;
using System.Text.Json.Serialization;

namespace AzureEmulator.State;

/// <summary>
/// The whole emulated world: directory, subscriptions, resources and assignments. Loaded from a scenario
/// JSON file, replaced or edited through the admin API, and served back by GET /_admin/state.
/// </summary>
public sealed class Scenario
{
    public string TenantId { get; set; } = "00000000-0000-4000-8000-000000000001";

    /// <summary>Object id of the user the test stack signs in as.</summary>
    public string? SignedInUser { get; set; }

    public List<Principal> Principals { get; set; } = [];

    public List<Subscription> Subscriptions { get; set; } = [];

    public List<StorageAccount> StorageAccounts { get; set; } = [];

    public List<SynapseWorkspace> SynapseWorkspaces { get; set; } = [];

    /// <summary>Custom roles; built-in roles are always present.</summary>
    public List<RoleDefinition> RoleDefinitions { get; set; } = [];

    public List<RoleAssignment> RoleAssignments { get; set; } = [];

    public List<DenyAssignment> DenyAssignments { get; set; } = [];

    public ScenarioOptions Options { get; set; } = new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static Scenario Parse(string json) =>
        JsonSerializer.Deserialize<Scenario>(json, Json) ?? throw new InvalidDataException("The scenario JSON is empty.");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public Scenario Clone() => Parse(ToJson());
}

public sealed class ScenarioOptions
{
    /// <summary>Items per page for ARM lists (nextLink), Graph lists and Synapse lists (x-ms-continuation).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>When true, Graph answers 403 Authorization_RequestDenied to every call (a tenant that blocks Graph reads).</summary>
    public bool GraphForbidden { get; set; }
}

public sealed class Principal
{
    public string Id { get; set; } = "";

    /// <summary>User, Group or ServicePrincipal (managed identities are ServicePrincipal).</summary>
    public string Type { get; set; } = "User";

    public string? DisplayName { get; set; }

    public string? UserPrincipalName { get; set; }

    public string? AppId { get; set; }

    /// <summary>Application or ManagedIdentity, for service principals.</summary>
    public string? ServicePrincipalType { get; set; }

    /// <summary>For groups: object ids of the direct members (users, service principals or groups).</summary>
    public List<string> Members { get; set; } = [];

    /// <summary>Replication delay: the first N role assignment PUTs naming this principal fail with PrincipalNotFound.</summary>
    public int PrincipalNotFoundForFirstPuts { get; set; }
}

public sealed class Subscription
{
    public string SubscriptionId { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary>Enabled, Disabled, Warned, PastDue or Deleted.</summary>
    public string State { get; set; } = "Enabled";

    public List<ResourceGroup> ResourceGroups { get; set; } = [];
}

public sealed class ResourceGroup
{
    public string Name { get; set; } = "";

    public string Location { get; set; } = "westeurope";
}

public sealed class StorageAccount
{
    public string SubscriptionId { get; set; } = "";

    public string ResourceGroup { get; set; } = "";

    public string Name { get; set; } = "";

    public string Location { get; set; } = "westeurope";

    public string Kind { get; set; } = "StorageV2";

    public bool? IsHnsEnabled { get; set; }

    public string PublicNetworkAccess { get; set; } = "Enabled";

    public bool? AllowSharedKeyAccess { get; set; }

    public NetworkAcls NetworkAcls { get; set; } = new();

    public List<BlobContainer> Containers { get; set; } = [];

    public string ResourceId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Storage/storageAccounts/{Name}";
}

public sealed class NetworkAcls
{
    /// <summary>Any combination of None, Logging, Metrics, AzureServices, comma separated.</summary>
    public string Bypass { get; set; } = "AzureServices";

    /// <summary>Allow or Deny.</summary>
    public string DefaultAction { get; set; } = "Allow";

    public List<IpRule> IpRules { get; set; } = [];

    public List<VirtualNetworkRule> VirtualNetworkRules { get; set; } = [];

    public List<ResourceAccessRule> ResourceAccessRules { get; set; } = [];
}

public sealed class IpRule
{
    public string Value { get; set; } = "";

    public string Action { get; set; } = "Allow";
}

public sealed class VirtualNetworkRule
{
    public string Id { get; set; } = "";

    public string Action { get; set; } = "Allow";
}

public sealed class ResourceAccessRule
{
    public string? TenantId { get; set; }

    public string ResourceId { get; set; } = "";
}

public sealed class BlobContainer
{
    public string Name { get; set; } = "";

    public string PublicAccess { get; set; } = "None";
}

public sealed class SynapseWorkspace
{
    public string SubscriptionId { get; set; } = "";

    public string ResourceGroup { get; set; } = "";

    public string Name { get; set; } = "";

    public string Location { get; set; } = "westeurope";

    public ManagedIdentity Identity { get; set; } = new();

    public DataLakeStorage? DefaultDataLakeStorage { get; set; }

    public string PublicNetworkAccess { get; set; } = "Enabled";

    public string? ManagedVirtualNetwork { get; set; }

    /// <summary>Overrides of connectivity endpoints (dev is always the emulator's own Synapse endpoint unless set here).</summary>
    public Dictionary<string, string> ConnectivityEndpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<FirewallRule> FirewallRules { get; set; } = [];

    /// <summary>Linked services of the workspace (data plane), e.g. other ADLS Gen2 accounts linked to it.</summary>
    public List<LinkedService> LinkedServices { get; set; } = [];

    /// <summary>Synapse RBAC assignments (data plane), exactly as the dev endpoint lists them.</summary>
    public List<SynapseRoleAssignment> RoleAssignments { get; set; } = [];

    /// <summary>The workspace's Microsoft Entra SQL administrator (a user, group or service principal): sysadmin of serverless SQL.</summary>
    public string? SqlAdministratorObjectId { get; set; }

    /// <summary>Serverless SQL logins made with CREATE LOGIN ... FROM EXTERNAL PROVIDER, and their server roles.</summary>
    public List<SqlServerLogin> SqlLogins { get; set; } = [];

    public string ResourceId => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.Synapse/workspaces/{Name}";
}

public sealed class ManagedIdentity
{
    /// <summary>None, SystemAssigned or "SystemAssigned,UserAssigned".</summary>
    public string Type { get; set; } = "SystemAssigned";

    public string? PrincipalId { get; set; }
}

public sealed class DataLakeStorage
{
    /// <summary>A storage account of the scenario; accountUrl and resourceId are derived from it when not given.</summary>
    public string? AccountName { get; set; }

    public string? AccountUrl { get; set; }

    public string? Filesystem { get; set; }

    public string? ResourceId { get; set; }
}

public sealed class LinkedService
{
    public string Name { get; set; } = "";

    /// <summary>AzureBlobFS for ADLS Gen2, AzureBlobStorage, AzureSqlDW, ...</summary>
    public string Type { get; set; } = "AzureBlobFS";

    /// <summary>A storage account of the scenario; the url is derived from it when <see cref="Url"/> is not given.</summary>
    public string? AccountName { get; set; }

    public string? Url { get; set; }

    /// <summary>When true, the url is served as an Expression object ({"type":"Expression","value":url}), as Synapse Studio saves a parameterised one.</summary>
    public bool UrlAsExpression { get; set; }

    /// <summary>Served instead of a url when set (a linked service made with a connection string).</summary>
    public string? ConnectionString { get; set; }
}

public sealed class SqlServerLogin
{
    public string PrincipalId { get; set; } = "";

    /// <summary>Server roles of the login: dbcreator (may CREATE DATABASE) or sysadmin.</summary>
    public List<string> ServerRoles { get; set; } = [];
}

public sealed class FirewallRule
{
    public string Name { get; set; } = "";

    public string StartIpAddress { get; set; } = "";

    public string EndIpAddress { get; set; } = "";
}

public sealed class SynapseRoleAssignment
{
    public string? Id { get; set; }

    /// <summary>Synapse role id (GUID); or give <see cref="RoleName"/>.</summary>
    public string? RoleId { get; set; }

    public string? RoleName { get; set; }

    public string PrincipalId { get; set; } = "";

    /// <summary>User, Group, ServicePrincipal, or null (as Synapse stores it when the creator left it out).</summary>
    public string? PrincipalType { get; set; }

    /// <summary>workspaces/{name} or workspaces/{name}/{itemType}/{item}; defaults to the workspace.</summary>
    public string? Scope { get; set; }
}

public sealed class RoleDefinition
{
    /// <summary>The role's GUID.</summary>
    public string Id { get; set; } = "";

    public string RoleName { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>BuiltInRole or CustomRole.</summary>
    public string Type { get; set; } = "CustomRole";

    public List<Permission> Permissions { get; set; } = [];

    public List<string> AssignableScopes { get; set; } = [];
}

public sealed class Permission
{
    public List<string> Actions { get; set; } = [];

    public List<string> NotActions { get; set; } = [];

    public List<string> DataActions { get; set; } = [];

    public List<string> NotDataActions { get; set; } = [];
}

public sealed class RoleAssignment
{
    /// <summary>The assignment's GUID name; generated from scope, role and principal when absent.</summary>
    public string? Name { get; set; }

    public string Scope { get; set; } = "";

    /// <summary>A role GUID or a full role definition id; or give <see cref="RoleName"/>.</summary>
    public string? RoleDefinitionId { get; set; }

    public string? RoleName { get; set; }

    public string PrincipalId { get; set; } = "";

    /// <summary>Defaults to the principal's type.</summary>
    public string? PrincipalType { get; set; }

    public string? Condition { get; set; }

    public string? ConditionVersion { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset? CreatedOn { get; set; }

    public string? CreatedBy { get; set; }
}

public sealed class DenyAssignment
{
    public string? Id { get; set; }

    public string DenyAssignmentName { get; set; } = "";

    public string Scope { get; set; } = "";

    public string? Description { get; set; }

    public List<Permission> Permissions { get; set; } = [];

    /// <summary>Principals the deny applies to; the zero GUID with type SystemDefined means everyone.</summary>
    public List<DenyPrincipal> Principals { get; set; } = [];

    public List<DenyPrincipal> ExcludePrincipals { get; set; } = [];

    public bool DoNotApplyToChildScopes { get; set; }

    public bool IsSystemProtected { get; set; } = true;
}

public sealed class DenyPrincipal
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "User";
}
