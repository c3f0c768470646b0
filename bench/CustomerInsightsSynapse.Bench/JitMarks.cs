using System.Reflection.Emit;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Names points of a run in the JIT's own list of what it compiles (<c>DOTNET_JitStdOutFile=file
/// DOTNET_JitDisasmSummary=1</c>, every method with its tier): with <c>CISYNAPSE_BENCH_JIT_MARKS=1</c> each point
/// compiles a new empty dynamic method named <c>JITMARK point</c>, which the list shows between the methods compiled
/// before and after it. Without the variable a point does nothing.
/// </summary>
internal static class JitMarks
{
    private static readonly bool Enabled = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CISYNAPSE_BENCH_JIT_MARKS"));

    public static void Mark(string point)
    {
        if (!Enabled)
        {
            return;
        }

        var method = new DynamicMethod("JITMARK " + point, null, null, typeof(JitMarks).Module);
        method.GetILGenerator().Emit(OpCodes.Ret);
        method.CreateDelegate<Action>()();
    }
}
