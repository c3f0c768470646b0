namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>What a Core operation tells the user on the side: verbose, debug and warning messages.</summary>
public interface IOperationLog
{
    void Verbose(string message);

    void Debug(string message);

    void Warning(string message);
}

/// <summary>A log that drops everything, for callers that do not listen.</summary>
public sealed class NullOperationLog : IOperationLog
{
    public static readonly NullOperationLog Instance = new();

    private NullOperationLog()
    {
    }

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
