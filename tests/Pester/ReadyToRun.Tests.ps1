# ReadyToRun (issue 22's cold start): Build ships precompiled code for the runtime that runs the tests, and that
# runtime uses it (an image made for another .NET major version is ignored and its IL JIT-compiled).
BeforeDiscovery {
    $script:NoIlModule = -not $env:CISYNAPSE_TEST_IL_MODULE
}

BeforeAll {
    $script:ModuleFolder = Split-Path -Parent $env:CISYNAPSE_TEST_MODULE
    Import-Module (Join-Path $PSScriptRoot 'ChildPwsh.psm1') -Force

    # The image's CorHeader flags, and the major version of its ReadyToRun header (0 when it has none).
    function script:Get-ReadyToRunHeader([string] $Path) {
        $stream = [IO.File]::OpenRead($Path)
        $reader = [System.Reflection.PortableExecutable.PEReader]::new($stream, [System.Reflection.PortableExecutable.PEStreamOptions]::PrefetchEntireImage)
        try {
            $corHeader = $reader.PEHeaders.CorHeader
            $native = $corHeader.ManagedNativeHeaderDirectory
            $major = 0
            if ($native.Size -gt 0) {
                $bytes = $reader.GetSectionData($native.RelativeVirtualAddress).GetContent(0, 8)
                if ([BitConverter]::ToUInt32($bytes, 0) -eq 0x00525452) { $major = [BitConverter]::ToUInt16($bytes, 4) }
            }
            [pscustomobject]@{ Flags = $corHeader.Flags; Major = $major }
        }
        finally {
            $reader.Dispose()
            $stream.Dispose()
        }
    }

    # Methods of the module's and the Azure SDK's namespaces JIT-compiled in a fresh pwsh that imports the module,
    # reads the context and connects with a token to an address that refuses the connection.
    function script:Get-JitCompiledMethod([string] $Module) {
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @'
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
public sealed class JitCompiledMethods : EventListener
{
    public readonly ConcurrentQueue<string> Names = new ConcurrentQueue<string>();
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") { EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10); }
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName != null && e.EventName.StartsWith("MethodJittingStarted")) { Names.Enqueue(e.Payload[4] + "::" + e.Payload[5]); }
    }
}
'@
`$listener = [JitCompiledMethods]::new()
Import-Module '$Module'
`$null = Get-CISynapseContext
`$token = ConvertTo-SecureString 'eyJ0eXAiOiJKV1QifQ.eyJ0aWQiOiJ0In0.c2ln' -AsPlainText -Force
try { `$null = Connect-CISynapseAccount -AccessToken `$token -ResourceManagerUrl 'https://127.0.0.1:1/' } catch { }
`$listener.Names.ToArray() | Where-Object { `$_ -match '^(CustomerInsightsSynapse|Azure)\.' } | ConvertTo-Json -Compress -AsArray
"@
        @(Invoke-ChildPwshJson -Command $script)
    }
}

Describe 'ReadyToRun images' -Skip:$NoIlModule {
    It 'ships <File> as a ReadyToRun image for the .NET that runs it' -ForEach @(
        @{ File = 'CustomerInsightsSynapse.dll' }
        @{ File = 'dependencies/CustomerInsightsSynapse.Core.dll' }
        @{ File = 'dependencies/Azure.Core.dll' }
        @{ File = 'dependencies/System.ClientModel.dll' }
        @{ File = 'dependencies/Azure.Storage.Blobs.dll' }
        @{ File = 'dependencies/Microsoft.Identity.Client.dll' }
        @{ File = 'dependencies/Microsoft.SqlServer.TransactSql.ScriptDom.dll' }
        @{ File = "dependencies/runtimes/$(if ($IsWindows) { 'win' } else { 'unix' })/lib/net8.0/Microsoft.Data.SqlClient.dll" }
    ) {
        $image = Get-ReadyToRunHeader (Join-Path $ModuleFolder $File)
        $runtime = Get-ReadyToRunHeader ([object].Assembly.Location)
        $image.Flags.HasFlag([System.Reflection.PortableExecutable.CorFlags]::ILLibrary) | Should -BeTrue -Because 'Crossgen2 marks its images ILLibrary'
        $image.Flags.HasFlag([System.Reflection.PortableExecutable.CorFlags]::ILOnly) | Should -BeFalse
        $image.Major | Should -Be $runtime.Major -Because "the runtime uses only ReadyToRun code of its own major version ($($runtime.Major))"
    }

    It 'keeps the IL-only layout beside it, file for file' {
        $ilFolder = Split-Path -Parent $env:CISYNAPSE_TEST_IL_MODULE
        $files = { param($Folder) Get-ChildItem -Recurse -File $Folder | ForEach-Object { [IO.Path]::GetRelativePath($Folder, $_.FullName).Replace('\', '/') } | Sort-Object }
        @(& $files $ModuleFolder) | Should -Be @(& $files $ilFolder)
        (Get-ReadyToRunHeader (Join-Path $ilFolder 'dependencies/CustomerInsightsSynapse.Core.dll')).Flags.HasFlag([System.Reflection.PortableExecutable.CorFlags]::ILOnly) | Should -BeTrue
    }

    It 'is used: a fresh pwsh JIT-compiles far fewer of the module''s and Azure SDK''s methods than with the IL-only layout' {
        $precompiled = Get-JitCompiledMethod $env:CISYNAPSE_TEST_MODULE
        $il = Get-JitCompiledMethod $env:CISYNAPSE_TEST_IL_MODULE
        $il.Count | Should -BeGreaterThan 100 -Because 'the IL-only module JIT-compiles every method it runs'
        $precompiled.Count | Should -BeLessThan ($il.Count / 4) -Because "ReadyToRun code is used for the module's own methods (JIT-compiled with it: $(($precompiled | Select-Object -First 20) -join ', '))"
    }
}
