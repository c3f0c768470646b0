using System.Globalization;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// A serverless SQL endpoint: the workspace's <c>connectivityEndpoints.sqlOnDemand</c> host
/// (<c>myworkspace-ondemand.sql.azuresynapse.net</c>) and port 1433, or a <c>tcp:host,port</c> / <c>host,port</c> value.
/// </summary>
public sealed record SqlEndpoint(string Host, int Port)
{
    public const int DefaultPort = 1433;

    /// <summary>The SqlClient Data Source: <c>tcp:host,port</c>.</summary>
    public string DataSource => string.Create(CultureInfo.InvariantCulture, $"tcp:{Host},{Port}");

    public override string ToString() => DataSource;

    public static SqlEndpoint Parse(string? value)
    {
        var text = (value ?? string.Empty).Trim();
        if (text.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[4..];
        }

        var port = DefaultPort;
        var comma = text.LastIndexOf(',');
        if (comma >= 0)
        {
            if (!int.TryParse(text.AsSpan(comma + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw Invalid(value, "has no valid port after the comma");
            }

            text = text[..comma];
        }

        var hostType = Uri.CheckHostName(text);
        if (hostType is not (UriHostNameType.Dns or UriHostNameType.IPv4))
        {
            throw Invalid(value, "is not a host name");
        }

        return new SqlEndpoint(text.ToLowerInvariant(), port);
    }

    private static CISynapseException Invalid(string? value, string problem) =>
        new(
            ErrorIds.InvalidSqlEndpoint,
            ErrorKind.InvalidArgument,
            $"The SQL endpoint '{SqlQuoting.Printable(value ?? string.Empty)}' {problem}. Use the workspace's serverless endpoint, e.g. 'myworkspace-ondemand.sql.azuresynapse.net' or 'tcp:myworkspace-ondemand.sql.azuresynapse.net,1433'.",
            value);
}
