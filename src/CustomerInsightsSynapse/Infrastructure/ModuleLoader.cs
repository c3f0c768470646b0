using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>
/// Loads CustomerInsightsSynapse.Core and every third-party assembly from <c>dependencies/</c> into a private
/// AssemblyLoadContext, so the module works beside Az or anything else that loaded another Azure.Core,
/// in either import order. Only the Core assembly is resolved from the default context; the private
/// context resolves Core's own dependencies.
/// </summary>
public sealed class ModuleLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string CoreAssemblyName = "CustomerInsightsSynapse.Core";

    private static readonly string DependencyFolder =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleLoader).Assembly.Location)!, "dependencies");

    private static readonly DependencyLoadContext LoadContext = new(DependencyFolder);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveCore;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveCore;

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, CoreAssemblyName, StringComparison.Ordinal) ? LoadContext.LoadFromAssemblyName(name) : null;

    /// <summary>Assemblies of the shared .NET runtime the process runs on (not PowerShell's own dependencies).</summary>
    private static readonly HashSet<string> FrameworkAssemblies = new(
        Directory.EnumerateFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>(),
        StringComparer.OrdinalIgnoreCase);

    private sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string[] _probeFolders;

        public DependencyLoadContext(string folder)
            : base("CustomerInsightsSynapse")
        {
            var os = OperatingSystem.IsWindows() ? "win" : "unix";
            // SqlClient's real implementation lives under runtimes/<os>; the root copy is a stub.
            _probeFolders = [Path.Combine(folder, "runtimes", os, "lib", "net8.0"), folder];
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // A framework assembly (System.Text.Json, …) is always at least as new as the package copy: share it.
            if (FrameworkAssemblies.Contains(assemblyName.Name!))
            {
                return null;
            }

            foreach (var folder in _probeFolders)
            {
                var path = Path.Combine(folder, assemblyName.Name + ".dll");
                if (File.Exists(path))
                {
                    return LoadFromAssemblyPath(path);
                }
            }

            // The framework and System.Management.Automation come from the default context.
            return null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            var arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            var native = Path.Combine(_probeFolders[1], "runtimes", $"{os}-{arch}", "native", unmanagedDllName);
            return File.Exists(native) ? LoadUnmanagedDllFromPath(native) : IntPtr.Zero;
        }
    }
}
