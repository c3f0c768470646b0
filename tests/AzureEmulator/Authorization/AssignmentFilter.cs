using System.Text.RegularExpressions;

namespace AzureEmulator.Authorization;

/// <summary>
/// The $filter grammar of Microsoft.Authorization lists: atScope(), assignedTo('{id}'), principalId eq '{id}',
/// roleName eq '{name}', type eq '{type}', denyAssignmentName eq '{name}', joined with "and".
/// </summary>
public sealed partial record AssignmentFilter(bool AtScope, string? AssignedTo, string? PrincipalId, string? RoleName, string? Type, string? DenyAssignmentName)
{
    public static readonly AssignmentFilter None = new(false, null, null, null, null, null);

    public static bool TryParse(string? text, out AssignmentFilter filter, out string? error)
    {
        filter = None;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var clause in AndSplitter().Split(text.Trim()))
        {
            var c = clause.Trim();
            Match m;
            if (AtScopeClause().IsMatch(c))
            {
                filter = filter with { AtScope = true };
            }
            else if ((m = AssignedToClause().Match(c)).Success)
            {
                filter = filter with { AssignedTo = m.Groups[1].Value };
            }
            else if ((m = EqClause().Match(c)).Success)
            {
                var value = m.Groups[2].Value;
                switch (m.Groups[1].Value.ToLowerInvariant())
                {
                    case "principalid": filter = filter with { PrincipalId = value }; break;
                    case "rolename": filter = filter with { RoleName = value }; break;
                    case "type": filter = filter with { Type = value }; break;
                    case "denyassignmentname": filter = filter with { DenyAssignmentName = value }; break;
                    default: error = $"The filter '{text}' is not supported. Supported filters are atScope(), assignedTo('{{objectId}}') and principalId eq '{{objectId}}'."; return false;
                }
            }
            else
            {
                error = $"The filter '{text}' is not supported. Supported filters are atScope(), assignedTo('{{objectId}}') and principalId eq '{{objectId}}'.";
                return false;
            }
        }

        // Resource Manager refuses atScope() together with principalId eq (principalId eq already covers the scopes above and below).
        if (filter.AtScope && filter.PrincipalId is not null)
        {
            error = $"The filter '{text}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{{value}}''.";
            filter = None;
            return false;
        }

        return true;
    }

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSplitter();

    [GeneratedRegex(@"^atScope\(\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex AtScopeClause();

    [GeneratedRegex(@"^assignedTo\(\s*'([^']*)'\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex AssignedToClause();

    [GeneratedRegex(@"^(\w+)\s+eq\s+'([^']*)'$", RegexOptions.IgnoreCase)]
    private static partial Regex EqClause();
}
