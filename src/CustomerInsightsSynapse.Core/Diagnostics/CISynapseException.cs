namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// A failure the module knows how to describe: a stable <see cref="ErrorId"/> (see <see cref="ErrorIds"/>),
/// a <see cref="Kind"/> that becomes the PowerShell error category, and optionally the item it concerns.
/// Messages never contain tokens or secrets.
/// </summary>
public class CISynapseException : Exception
{
    public CISynapseException(string errorId, ErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    /// <summary>The item the error concerns (a name, a path, a resource id); becomes the ErrorRecord's TargetObject.</summary>
    public object? Target { get; }

    /// <summary>
    /// What the user can do about it; becomes the ErrorRecord's RecommendedAction. The throw site's own advice when it
    /// gave one, else the default for the ErrorId (<see cref="RecommendedActions"/>).
    /// </summary>
    public string? RecommendedAction
    {
        get => _recommendedAction ?? RecommendedActions.For(ErrorId);
        init => _recommendedAction = value;
    }

    private readonly string? _recommendedAction;
}
