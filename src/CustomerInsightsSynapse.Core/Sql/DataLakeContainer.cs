using System.Text.RegularExpressions;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// The container the external data source points at, as serverless SQL addresses it:
/// <c>https://{account}.dfs.{suffix}/{container}</c>, or an explicit endpoint (an emulator, a private endpoint).
/// </summary>
public sealed partial record DataLakeContainer
{
    private DataLakeContainer(string location) => Location = location;

    /// <summary>The LOCATION of the external data source, without a trailing '/'.</summary>
    public string Location { get; }

    /// <summary>The dfs URL of <paramref name="container"/> in <paramref name="accountName"/> (public cloud unless another suffix is given).</summary>
    public static DataLakeContainer ForAccount(string accountName, string container, string endpointSuffix = "core.windows.net")
    {
        if (!AccountName().IsMatch(accountName ?? string.Empty))
        {
            throw Invalid(accountName ?? string.Empty, "is not a storage account name (3 to 24 lower-case letters and digits)");
        }

        ValidateContainer(container);
        if (string.IsNullOrWhiteSpace(endpointSuffix) || Uri.CheckHostName("x." + endpointSuffix) != UriHostNameType.Dns)
        {
            throw Invalid(endpointSuffix ?? string.Empty, "is not a storage endpoint suffix such as core.windows.net");
        }

        return new DataLakeContainer($"https://{accountName}.dfs.{endpointSuffix.Trim('.')}/{container}");
    }

    /// <summary>
    /// The container of a parsed blob location. Azure host names become their dfs form
    /// (account.blob.core.windows.net → account.dfs.core.windows.net); path-style endpoints such as Azurite's
    /// (http://127.0.0.1:10000/devstoreaccount1/) are kept as they are.
    /// </summary>
    public static DataLakeContainer From(BlobLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        ValidateContainer(location.Container);
        var endpoint = location.AccountEndpoint;
        if (endpoint.HostNameType == UriHostNameType.Dns && !endpoint.IsLoopback)
        {
            var parts = endpoint.Host.Split('.');
            if (parts.Length > 2 && parts[1].Equals("blob", StringComparison.OrdinalIgnoreCase))
            {
                parts[1] = "dfs";
            }

            var port = endpoint.IsDefaultPort ? string.Empty : ":" + endpoint.Port;
            return new DataLakeContainer($"{endpoint.Scheme}://{string.Join('.', parts)}{port}/{location.Container}");
        }

        return FromEndpoint(endpoint, location.Container);
    }

    /// <summary>An explicit account endpoint (for an emulator or a custom domain) and a container in it.</summary>
    public static DataLakeContainer FromEndpoint(Uri accountEndpoint, string container)
    {
        ArgumentNullException.ThrowIfNull(accountEndpoint);
        if (!accountEndpoint.IsAbsoluteUri || (accountEndpoint.Scheme != Uri.UriSchemeHttps && accountEndpoint.Scheme != Uri.UriSchemeHttp)
            || accountEndpoint.Query.Length > 0 || accountEndpoint.Fragment.Length > 0 || accountEndpoint.UserInfo.Length > 0)
        {
            throw Invalid(accountEndpoint.OriginalString, "is not an http(s) endpoint URL without query, fragment or user information");
        }

        ValidateContainer(container);
        return new DataLakeContainer(accountEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + container);
    }

    public override string ToString() => Location;

    private static void ValidateContainer(string? container)
    {
        if (!ContainerName().IsMatch(container ?? string.Empty) || container!.Contains("--", StringComparison.Ordinal))
        {
            throw Invalid(container ?? string.Empty, "is not a container name (3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit)");
        }
    }

    private static CISynapseException Invalid(string value, string problem) =>
        new(ErrorIds.InvalidDataLakeLocation, ErrorKind.InvalidArgument, $"'{SqlQuoting.Printable(value)}' {problem}.", value);

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
