using System.Net;
using System.Net.Security;
using System.Text;
using System.Xml.Linq;

namespace AzureEmulator.Sql;

/// <summary>Where OPENROWSET reads files: list a container by prefix and open one blob.</summary>
public interface ISqlFileStore
{
    /// <summary>Blob names under <paramref name="prefix"/>, or null when the container does not exist.</summary>
    IReadOnlyList<string>? List(string account, string container, string prefix);

    /// <summary>The blob's content, or null when it does not exist.</summary>
    Stream? Open(string account, string container, string name);

    /// <summary>Writes (creates or replaces) a block blob (CETAS output).</summary>
    void Write(string account, string container, string name, ReadOnlyMemory<byte> content);

    /// <summary>Deletes a blob if it exists (a failed CETAS removes the files it wrote).</summary>
    void Delete(string account, string container, string name);
}

/// <summary>
/// What OPENROWSET needs from the rest of the emulator: the files, and who may read them. Storage data roles come from
/// the scenario's role assignments (the caller's in CallerIdentity mode, the workspace managed identity's with a
/// Managed Identity credential).
/// </summary>
public sealed class SqlStorageContext(
    ISqlFileStore files,
    Func<string, string, string, bool> canRead,
    Func<string?> workspaceIdentity,
    Func<string, bool> isSynapseAdministrator,
    Func<string, IReadOnlySet<string>>? identities = null,
    Func<string, SqlDirectoryPrincipal?>? findPrincipal = null,
    Func<string, string, string, bool>? canWrite = null)
{
    public ISqlFileStore Files { get; } = files;

    /// <summary>Whether the principal (object id) may read blobs in account/container.</summary>
    public bool CanRead(string principalId, string account, string container) => canRead(principalId, account, container);

    /// <summary>Whether the principal (object id) may write blobs in account/container (CETAS); nobody may when not modelled.</summary>
    public bool CanWrite(string principalId, string account, string container) => canWrite?.Invoke(principalId, account, container) ?? false;

    /// <summary>The principal id of the workspace's system-assigned managed identity, if there is one workspace.</summary>
    public string? WorkspaceIdentity() => workspaceIdentity();

    public bool IsSynapseAdministrator(string principalId) => isSynapseAdministrator(principalId);

    /// <summary>The principal's object id and the ids of every group it belongs to, transitively.</summary>
    public IReadOnlySet<string> Identities(string principalId) =>
        identities?.Invoke(principalId) ?? new HashSet<string>(StringComparer.OrdinalIgnoreCase) { principalId };

    /// <summary>The Microsoft Entra user, group or service principal with this UPN or display name, or null.</summary>
    public SqlDirectoryPrincipal? FindPrincipal(string name) => findPrincipal?.Invoke(name);
}

/// <summary>A Microsoft Entra principal CREATE USER … FROM EXTERNAL PROVIDER found: its object id and whether it is a group.</summary>
public sealed record SqlDirectoryPrincipal(string ObjectId, bool IsGroup);

/// <summary>Reads Azurite over its REST API (List Blobs, Get Blob) with an emulator-made OAuth token (Azurite --oauth basic).</summary>
public sealed class AzuriteFileStore : ISqlFileStore
{
    private readonly string _authority;
    private readonly string _tenant;
    private readonly HttpClient _http;

    public AzuriteFileStore(Uri azuriteBlob, string tenant)
    {
        _authority = azuriteBlob.GetLeftPart(UriPartial.Authority);
        _tenant = tenant;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // Azurite is the stack's, on loopback, with the stack's own certificate.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => azuriteBlob.IsLoopback },
        });
    }

    public IReadOnlyList<string>? List(string account, string container, string prefix)
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            var url = $"{_authority}/{account}/{Uri.EscapeDataString(container)}?restype=container&comp=list&prefix={Uri.EscapeDataString(prefix)}"
                + (marker is null ? string.Empty : "&marker=" + Uri.EscapeDataString(marker));
            using var response = _http.Send(Request(url), HttpCompletionOption.ResponseContentRead);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            response.EnsureSuccessStatusCode();
            using var body = response.Content.ReadAsStream();
            var xml = XDocument.Load(body);
            names.AddRange(xml.Descendants("Blob").Select(b => (string)b.Element("Name")!));
            marker = (string?)xml.Root?.Element("NextMarker");
        }
        while (!string.IsNullOrEmpty(marker));
        return names;
    }

    public Stream? Open(string account, string container, string name)
    {
        var path = string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        var response = _http.Send(Request($"{_authority}/{account}/{Uri.EscapeDataString(container)}/{path}"), HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }

        response.EnsureSuccessStatusCode();
        return response.Content.ReadAsStream();
    }

    public void Write(string account, string container, string name, ReadOnlyMemory<byte> content)
    {
        using var request = Request(BlobUrl(account, container, name), HttpMethod.Put);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Content = new ReadOnlyMemoryContent(content);
        using var response = _http.Send(request);
        response.EnsureSuccessStatusCode();
    }

    public void Delete(string account, string container, string name)
    {
        using var response = _http.Send(Request(BlobUrl(account, container, name), HttpMethod.Delete));
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private string BlobUrl(string account, string container, string name) =>
        $"{_authority}/{account}/{Uri.EscapeDataString(container)}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}";

    private HttpRequestMessage Request(string url, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.Add("x-ms-version", "2021-12-02");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token());
        return request;
    }

    /// <summary>An unsigned token for the storage audience, as the test stack makes them; it never leaves the loopback.</summary>
    private string Token()
    {
        var now = DateTimeOffset.UtcNow;
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var payload = $$"""{"aud":"https://storage.azure.com","iss":"https://sts.windows.net/{{_tenant}}/","iat":{{now.AddMinutes(-5).ToUnixTimeSeconds()}},"nbf":{{now.AddMinutes(-5).ToUnixTimeSeconds()}},"exp":{{now.AddHours(1).ToUnixTimeSeconds()}},"oid":"00000000-0000-4000-8000-00000000517e","tid":"{{_tenant}}","ver":"1.0"}""";
        return Part("""{"alg":"none","typ":"JWT"}""") + "." + Part(payload) + "." + Part("unsigned");
    }
}
