namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What a run does with the generated T-SQL.</summary>
public enum DeploymentMode
{
    /// <summary>Generate, save and run the script against the serverless SQL endpoint.</summary>
    Apply,

    /// <summary>Generate and save the script only; nothing is sent (for teams that ship DDL through their own pipeline).</summary>
    ScriptOnly,
}
