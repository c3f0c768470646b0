<#
.SYNOPSIS
    Builds, tests, demonstrates, packages and cleans the CustomerInsightsSynapse module.
.DESCRIPTION
    Tasks:
      Build    Builds the cmdlet and Core assemblies and lays out out/CustomerInsightsSynapse/ from an explicit
               allow-list of files (fails when a listed file is missing or an unlisted dependency appears), then
               replaces each assembly the module loads by its ReadyToRun image for -RuntimeIdentifier (the host) and
               -ReadyToRunFramework (the IL-only layout stays in out/il/CustomerInsightsSynapse/; -NoReadyToRun skips it).
      Help     Regenerates en-US/CustomerInsightsSynapse.dll-Help.xml from src/CustomerInsightsSynapse/Help/*.md.
      Test     Build, then xunit (every test project in PSModule.sln) and Pester (tests/Pester, in a child pwsh
               against the built module). Starts Azurite for the tests and stops everything it started, even on
               failure. The last line is 'N passed, N failed' over both runners; the exit code is 1 on any failure.
      Demo     Build, then run the demo story (tests/Demo/Demo.ps1) against the local stack.
      Package  Build, then make out/package/CustomerInsightsSynapse.<version>.nupkg and prove that Install-PSResource
               installs it from a local folder repository and Import-Module loads it. IL only (a package for every
               platform) unless -RuntimeIdentifier names the one platform it is for (Azure Automation: win-x64 with
               -ReadyToRunFramework net8.0); a package for another platform than this one is not imported here.
      Bench    Build, then run the benchmarks in bench/ (see bench/README.md).
      Clean    Removes out/, .tools/ and every bin/ and obj/ folder.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [ValidateSet('Build', 'Help', 'Test', 'Demo', 'Package', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester: run only the test files whose name matches this wildcard; 'none' runs no Pester file.
    [string] $PesterPath,

    # xunit: a 'dotnet test --filter' expression (for example 'FullyQualifiedName~Store'); 'none' runs no xunit test.
    [string] $XunitFilter,

    # Extra arguments for the bench runner: the words after the other parameters (dotnet pwsh ./build.ps1 -Task Bench
    # lake --quick), or -BenchArguments 'lake','--quick' from PowerShell.
    [Parameter(ValueFromRemainingArguments)]
    [string[]] $BenchArguments = @(),

    # Lay out IL-only assemblies (no ReadyToRun compilation).
    [switch] $NoReadyToRun,

    # The platform the ReadyToRun code is for (default: the host's; with Package, none: IL only). The module then loads
    # on that OS and architecture only: .NET refuses a ReadyToRun image made for another (BadImageFormatException).
    [string] $RuntimeIdentifier,

    # The .NET the ReadyToRun code is for (default: the .NET of the pwsh running this script). Another major version
    # of .NET ignores that code and JIT-compiles the IL, as without ReadyToRun.
    [ValidatePattern('^net\d+\.0$')]
    [string] $ReadyToRunFramework
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$ModuleName = 'CustomerInsightsSynapse'
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out $ModuleName
$ToolPackages = Join-Path $Root '.tools/packages'
$ResultsFolder = Join-Path $Out 'test-results'
$IlModuleOut = Join-Path $Out "il/$ModuleName"
$HostRuntimeIdentifier = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
if (-not $RuntimeIdentifier) {
    # A package is for every platform unless told otherwise.
    if ('Package' -in $Task) { $NoReadyToRun = [switch]::new($true) }
    $RuntimeIdentifier = $HostRuntimeIdentifier
}
if (-not $ReadyToRunFramework) { $ReadyToRunFramework = 'net{0}.0' -f [Environment]::Version.Major }
if ($BenchArguments.Count -gt 0 -and 'Bench' -notin $Task) {
    throw "Only -Task Bench takes more words; these were not understood: $($BenchArguments -join ' ')."
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:POWERSHELL_UPDATECHECK = 'Off'
$env:NO_COLOR = '1'

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $Command, [string[]] $Arguments = @(), [switch] $AllowFailure)
    & $Command @Arguments | Out-Host
    $code = $LASTEXITCODE
    if ($code -ne 0 -and -not $AllowFailure) {
        throw "'$Command $($Arguments -join ' ')' failed with exit code $code."
    }
    return $code
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $version = $props.Project.PropertyGroup.ModuleVersion | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) { throw 'ModuleVersion is missing from Directory.Build.props.' }
    return $version.Trim()
}

function Copy-AllowedFile {
    param([string] $From, [string] $To, [string[]] $Files)
    foreach ($file in $Files) {
        $source = Join-Path $From $file
        if (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
            throw "Expected file '$file' is missing from the build output '$From'."
        }
        $target = Join-Path $To $file
        $null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $target)
        Copy-Item -LiteralPath $source -Destination $target -Force
    }
}

$script:Built = $false

function Invoke-Build {
    if ($script:Built) { return }
    $version = Get-ModuleVersion
    $publish = Join-Path $Out 'publish/core'
    Remove-Item -Recurse -Force -ErrorAction Ignore $ModuleOut, $IlModuleOut, $publish

    Write-Host "Building $ModuleName $version ($Configuration)"
    $null = Invoke-Native dotnet @('publish', "$Root/src/$ModuleName.Core/$ModuleName.Core.csproj", '-c', $Configuration, '-o', $publish, '-nologo', '-v', 'q')
    $null = Invoke-Native dotnet @('build', "$Root/src/$ModuleName/$ModuleName.csproj", '-c', $Configuration, '-nologo', '-v', 'q')

    # Dependencies: exactly the files in the allow-list, and nothing the list does not name.
    $allowList = Get-Content (Join-Path $Root "src/$ModuleName/dependencies.txt") | Where-Object { $_ -and -not $_.StartsWith('#') }
    $published = Get-ChildItem -Recurse -File -Filter *.dll $publish |
        ForEach-Object { [IO.Path]::GetRelativePath($publish, $_.FullName).Replace('\', '/') } |
        Where-Object { -not $_.StartsWith('runtimes/browser/') }
    $unlisted = @($published | Where-Object { $_ -notin $allowList })
    if ($unlisted.Count -gt 0) {
        throw "The Core publish output has dependencies that src/$ModuleName/dependencies.txt does not list: $($unlisted -join ', '). Review them and add them to the list."
    }
    Copy-AllowedFile -From $publish -To (Join-Path $IlModuleOut 'dependencies') -Files $allowList

    $cmdletBin = Join-Path $Root "src/$ModuleName/bin/$Configuration/net8.0"
    Copy-AllowedFile -From $cmdletBin -To $IlModuleOut -Files @("$ModuleName.dll")
    Copy-AllowedFile -From (Join-Path $Root "src/$ModuleName") -To $IlModuleOut -Files @("$ModuleName.Format.ps1xml")
    $helpFiles = @(Get-ChildItem -File (Join-Path $Root 'en-US') | ForEach-Object Name)
    foreach ($required in "$ModuleName.dll-Help.xml", "about_$ModuleName.help.txt") {
        if ($required -notin $helpFiles) { throw "Expected help file en-US/$required is missing." }
    }
    Copy-AllowedFile -From (Join-Path $Root 'en-US') -To (Join-Path $IlModuleOut 'en-US') -Files $helpFiles

    $manifest = (Get-Content -Raw (Join-Path $Root "$ModuleName.psd1")).Replace('{{ModuleVersion}}', $version)
    Set-Content -LiteralPath (Join-Path $IlModuleOut "$ModuleName.psd1") -Value $manifest -NoNewline -Encoding utf8NoBOM
    if ($NoReadyToRun) {
        Copy-Item -Recurse -LiteralPath $IlModuleOut -Destination $ModuleOut
    }
    else {
        Invoke-ReadyToRun
    }
    $script:Built = $true
    Write-Host "Built $ModuleOut"
}

# An assembly's MVID ($null for a native library) and whether it holds ReadyToRun code.
function Get-AssemblyImage {
    param([string] $Path)
    $stream = [IO.File]::OpenRead($Path)
    $reader = [System.Reflection.PortableExecutable.PEReader]::new($stream)
    try {
        if (-not $reader.HasMetadata) { return [pscustomobject]@{ Mvid = $null; ReadyToRun = $false } }
        $metadata = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($reader)
        [pscustomobject]@{
            Mvid       = $metadata.GetGuid($metadata.GetModuleDefinition().Mvid)
            ReadyToRun = $reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0
        }
    }
    finally {
        $reader.Dispose()
        $stream.Dispose()
    }
}

# Copies the IL layout to out/CustomerInsightsSynapse and replaces each assembly the module loads on
# $RuntimeIdentifier by its ReadyToRun image. Crossgen2 keeps an assembly's metadata, so an image is put back over
# every file with its MVID (SqlClient ships the same assembly under runtimes/unix and runtimes/win). Unchanged
# assemblies keep their staged copy and are not compiled again.
function Invoke-ReadyToRun {
    Copy-Item -Recurse -LiteralPath $IlModuleOut -Destination $ModuleOut
    $stage = Join-Path $Out "publish/r2r-input/$RuntimeIdentifier"
    $images = Join-Path $Out 'publish/r2r'
    Remove-Item -Recurse -Force -ErrorAction Ignore $images
    $null = New-Item -ItemType Directory -Force -Path $stage

    # What the loader loads on $RuntimeIdentifier: framework assemblies from the runtime, and a dependencies/runtimes/<os>/lib
    # copy before the root one; one file per assembly name is compiled.
    $framework = @(Get-ChildItem -File -Filter *.dll ([IO.Path]::GetDirectoryName([object].Assembly.Location)) | ForEach-Object Name)
    $os = if ($RuntimeIdentifier -like 'win*') { 'win' } else { 'unix' }
    $assemblies = @(Get-ChildItem -Recurse -File -Filter *.dll $ModuleOut | Where-Object { $_.Name -notin $framework -and (Get-AssemblyImage $_.FullName).Mvid } |
        Sort-Object { $path = $_.FullName.Replace('\', '/'); if ($path.Contains("/runtimes/$os/lib/")) { 0 } elseif ($path.Contains('/runtimes/')) { 2 } else { 1 } }, FullName)
    $staged = @{}
    foreach ($assembly in $assemblies) {
        if ($staged.ContainsKey($assembly.Name)) { continue }
        $target = Join-Path $stage $assembly.Name
        if (-not (Test-Path -LiteralPath $target) -or (Get-AssemblyImage $target).Mvid -ne (Get-AssemblyImage $assembly.FullName).Mvid) {
            Copy-Item -LiteralPath $assembly.FullName -Destination $target -Force
            # A package's file can be older than the image of the version it replaces: make it newer.
            (Get-Item -LiteralPath $target).LastWriteTimeUtc = [DateTime]::UtcNow
        }
        $staged[$assembly.Name] = $true
    }
    Get-ChildItem -File $stage | Where-Object { -not $staged.ContainsKey($_.Name) } | Remove-Item -Force

    Write-Host "ReadyToRun: $($staged.Count) assemblies for $RuntimeIdentifier, $ReadyToRunFramework"
    $smaPath = Join-Path $PSHOME 'System.Management.Automation.dll'
    $null = Invoke-Native dotnet @('publish', "$Root/src/ReadyToRun/ReadyToRun.csproj", '-c', 'Release', '-r', $RuntimeIdentifier, '-o', $images,
        "-p:ReadyToRunFramework=$ReadyToRunFramework", "-p:ReadyToRunInput=$stage", "-p:ReadyToRunReferences=$smaPath", '-nologo', '-v', 'q')

    $imageByMvid = @{}
    foreach ($image in Get-ChildItem -File -Filter *.dll $images) {
        $header = Get-AssemblyImage $image.FullName
        if ($header.ReadyToRun) { $imageByMvid[$header.Mvid] = $image.FullName }
    }
    $ilOnly = [System.Collections.Generic.List[string]]::new()
    foreach ($assembly in $assemblies) {
        $image = $imageByMvid[(Get-AssemblyImage $assembly.FullName).Mvid]
        if ($image) { Copy-Item -LiteralPath $image -Destination $assembly.FullName -Force }
        else { $ilOnly.Add([IO.Path]::GetRelativePath($ModuleOut, $assembly.FullName).Replace('\', '/')) }
    }
    if ($ilOnly.Count) { Write-Host "ReadyToRun: left as IL (Crossgen2 made no image, or another variant was compiled): $($ilOnly -join ', ')" }
}

function Restore-TestTool {
    $null = Invoke-Native dotnet @('restore', "$Root/tests/Tools/TestTools.csproj", '--packages', $ToolPackages, '-nologo', '-v', 'q')
    if (-not (Test-Path (Join-Path $Root 'node_modules/.bin/azurite-blob'))) {
        Write-Host 'Installing Azurite (npm ci)'
        Push-Location $Root
        try { $null = Invoke-Native npm @('ci', '--no-audit', '--no-fund', '--loglevel', 'error') } finally { Pop-Location }
    }
}

function Import-TestStack {
    Import-Module (Join-Path $Root 'tests/TestStack/TestStack.psm1') -Force
}

function Assert-SharedFixture {
    # The suite reads the specification fixtures (CDM samples, REST specifications) from the shared folder beside the checkout.
    $shared = Join-Path (Split-Path -Parent $Root) 'shared/fixtures'
    if (-not (Test-Path -LiteralPath $shared -PathType Container)) {
        throw "The shared fixtures folder '$shared' is missing: the tests read the CDM samples and the Azure REST specifications from it. Check out the project's shared/ folder beside this repository."
    }
}

function Read-TrxCount {
    # The failed tests are named again at the end of the output: CI may show only its last lines.
    $passed = 0; $failed = 0; $found = 0; $names = [System.Collections.Generic.List[string]]::new()
    foreach ($trx in Get-ChildItem -Recurse -File -Filter *.trx $ResultsFolder -ErrorAction Ignore) {
        $document = [xml](Get-Content -Raw -LiteralPath $trx.FullName)
        $counters = $document.TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        foreach ($result in $document.SelectNodes("//*[local-name()='UnitTestResult']")) {
            $outcome = $result.GetAttribute('outcome')
            if ($outcome -in 'Passed', 'NotExecuted') { continue }
            $message = $result.SelectSingleNode(".//*[local-name()='ErrorInfo']/*[local-name()='Message']")
            $lines = if ($message) { $message.InnerText.Trim() -split "`n" | Select-Object -First 3 } else { @() }
            $names.Add("$($result.GetAttribute('testName')) [$outcome, $($result.GetAttribute('duration'))]: $($lines -join ' / ')")
        }
        $found++
    }
    return [pscustomobject]@{ Passed = $passed; Failed = $failed; Files = $found; FailedTests = $names }
}

function Invoke-Test {
    Invoke-Build
    Restore-TestTool
    Assert-SharedFixture
    Remove-Item -Recurse -Force -ErrorAction Ignore $ResultsFolder
    $null = New-Item -ItemType Directory -Force -Path $ResultsFolder
    $env:CISYNAPSE_TEST_MODULE = Join-Path $ModuleOut "$ModuleName.psd1"
    # tests/Pester/ReadyToRun.Tests.ps1 compares the module with its IL-only layout, and skips when there is none.
    $env:CISYNAPSE_TEST_IL_MODULE = if ($NoReadyToRun) { '' } else { Join-Path $IlModuleOut "$ModuleName.psd1" }
    $env:CISYNAPSE_TEST_TOOLS = $ToolPackages
    $env:CISYNAPSE_HOME = Join-Path $Out 'test-stack/home'

    $failures = [System.Collections.Generic.List[string]]::new()
    Import-TestStack
    try {
        $null = Initialize-CISynapseTestRun -Folder (Join-Path $Out 'test-stack')

        if ($XunitFilter -ne 'none') {
            $azurite = Start-CISynapseAzurite -DataFolder (Join-Path $Out "test-stack/azurite-xunit")
            $env:CISYNAPSE_TEST_AZURITE_CONNECTION_STRING = $azurite.ConnectionString
            Write-Host 'Running xunit'
            $xunitArguments = @('test', "$Root/PSModule.sln", '-c', $Configuration, '-nologo',
                '--logger', 'trx', '--logger', 'console;verbosity=normal', '--results-directory', $ResultsFolder)
            if ($XunitFilter) { $xunitArguments += @('--filter', $XunitFilter) }
            $code = Invoke-Native -AllowFailure dotnet $xunitArguments
            if ($code -ne 0) { $failures.Add("dotnet test exited with code $code") }
            Stop-CISynapseAzurite $azurite -RemoveData
        }

        if ($PesterPath -ne 'none') {
            Write-Host 'Running Pester against the built module'
            $pesterArguments = @('pwsh', '-NoProfile', '-NonInteractive', '-File', "$Root/tests/Pester/Invoke-PesterSuite.ps1",
                '-PesterModule', (Join-Path $ToolPackages 'pester/5.7.1/tools/Pester.psd1'), '-ResultFolder', $ResultsFolder)
            # Passed through the environment: a '*' on the command line would be expanded as a file name pattern.
            $env:CISYNAPSE_PESTER_FILTER = $PesterPath
            $code = Invoke-Native -AllowFailure dotnet $pesterArguments
            if ($code -ne 0) { $failures.Add("the Pester run exited with code $code") }
        }
    }
    finally {
        Stop-CISynapseTestRunProcess
    }

    $xunit = Read-TrxCount
    $pesterSummary = Join-Path $ResultsFolder 'pester-summary.json'
    $pester = if (Test-Path $pesterSummary) { Get-Content -Raw $pesterSummary | ConvertFrom-Json }
              elseif ($PesterPath -eq 'none') { [pscustomobject]@{ Passed = 0; Failed = 0 } }
              else { $failures.Add('Pester wrote no summary'); [pscustomobject]@{ Passed = 0; Failed = 0 } }
    if ($XunitFilter -ne 'none') {
        # Every test project must report; a project that did not compile or whose host crashed writes no result file.
        $projects = @(& dotnet sln "$Root/PSModule.sln" list | Where-Object { $_ -match '\.Tests\.csproj$' })
        if ($xunit.Files -lt $projects.Count) {
            $failures.Add("only $($xunit.Files) of $($projects.Count) test projects wrote results (a build error or a crashed test host: see the output above)")
        }
    }
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    foreach ($name in $xunit.FailedTests) { Write-Host "FAILED xunit: $name" }
    if ($pester.PSObject.Properties['FailedTests']) { foreach ($name in $pester.FailedTests) { Write-Host "FAILED Pester: $name" } }
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    foreach ($failure in $failures) { Write-Host "FAILED: $failure" }
    if ($failed -eq 0 -and $failures.Count -gt 0) { $failed = 1 }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $failures.Count -gt 0) { exit 1 }
}

function Invoke-Help {
    Invoke-Build
    $null = Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-Command',
        "Import-Module '$Root/src/$ModuleName/Help/HelpGenerator.psm1'; Export-CISynapseMaml -ModulePath '$ModuleOut/$ModuleName.psd1' -MarkdownFolder '$Root/src/$ModuleName/Help' -OutFile '$Root/en-US/$ModuleName.dll-Help.xml'")
    Copy-Item -Force "$Root/en-US/$ModuleName.dll-Help.xml" "$ModuleOut/en-US/"
    Write-Host "Wrote en-US/$ModuleName.dll-Help.xml"
}

function Invoke-Demo {
    Invoke-Build
    Restore-TestTool
    Import-TestStack
    try {
        $null = Initialize-CISynapseTestRun -Folder (Join-Path $Out 'demo')
        $null = Invoke-Native dotnet @('pwsh', '-NoProfile', '-NonInteractive', '-File', "$Root/tests/Demo/Demo.ps1", '-ModulePath', "$ModuleOut/$ModuleName.psd1")
    }
    finally {
        Stop-CISynapseTestRunProcess
    }
}

function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    $packageFolder = Join-Path $Out 'package'
    Remove-Item -Recurse -Force -ErrorAction Ignore $packageFolder
    $null = New-Item -ItemType Directory -Force -Path $packageFolder
    # A throwaway HOME keeps the repository registration and the installed copy out of the user's profile.
    # pwsh is started directly (not through 'dotnet pwsh', which looks for its tool under HOME).
    $scratchHome = Join-Path $Out 'package-home'
    Remove-Item -Recurse -Force -ErrorAction Ignore $scratchHome
    $null = New-Item -ItemType Directory -Force -Path $scratchHome
    $saved = @{}
    # The folders must exist: .NET answers an empty path for a special folder that does not, and tools then write to the current folder.
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $scratchHome '.config'), (Join-Path $scratchHome '.local/share'), (Join-Path $scratchHome '.cache')
    foreach ($name in 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $(switch ($name) { 'HOME' { $scratchHome } 'XDG_DATA_HOME' { Join-Path $scratchHome '.local/share' } 'XDG_CONFIG_HOME' { Join-Path $scratchHome '.config' } 'XDG_CACHE_HOME' { Join-Path $scratchHome '.cache' } default { $null } }))
    }
    try {
        $pwsh = [Environment]::ProcessPath
        $pwshArguments = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' }) + @('-NoProfile', '-NonInteractive', '-File',
            "$Root/tests/Package/Test-ModulePackage.ps1", '-ModuleFolder', $ModuleOut, '-RepositoryFolder', $packageFolder, '-Version', $version)
        if (-not $NoReadyToRun -and $RuntimeIdentifier -ne $HostRuntimeIdentifier) {
            Write-Warning "The package holds ReadyToRun code for ${RuntimeIdentifier}: it is installed but not imported on $HostRuntimeIdentifier."
            $pwshArguments += '-NoImport'
        }
        $null = Invoke-Native $pwsh $pwshArguments
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    $nupkg = Get-ChildItem -File -Filter "$ModuleName.$version*.nupkg" $packageFolder
    if (-not $nupkg) { throw "No package was written to $packageFolder." }
    Write-Host "Package: $($nupkg.FullName)"
}

# -BenchArguments 'lake','--latency','0,5','--quick' typed in bash reaches this script as the one word
# 'lake,--latency,0,5,--quick' (bash removes the quotes; pwsh -File does not read array syntax): split it back where
# an option starts, and each option from its value at its first comma.
function Split-JoinedBenchArgument([string[]] $Arguments) {
    if ($Arguments.Count -ne 1 -or $Arguments[0] -notmatch ',--') { return $Arguments }
    foreach ($piece in $Arguments[0] -split ',(?=--)') {
        if ($piece.StartsWith('--') -and $piece.Contains(',')) { $piece.Split(',', 2) } else { $piece }
    }
}

function Invoke-Bench {
    Invoke-Build
    Restore-TestTool
    $arguments = @('pwsh', '-NoProfile', '-NonInteractive', '-File', "$Root/bench/run.ps1", '-ModulePath', "$ModuleOut/$ModuleName.psd1") + @(Split-JoinedBenchArgument $BenchArguments)
    $null = Invoke-Native dotnet $arguments
}

function Invoke-Clean {
    Remove-Item -Recurse -Force -ErrorAction Ignore $Out, (Join-Path $Root '.tools')
    Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'bench') -Directory -Recurse -Include bin, obj -ErrorAction Ignore |
        Remove-Item -Recurse -Force -ErrorAction Ignore
    Write-Host 'Cleaned'
}

Push-Location $Root
try {
    foreach ($name in $Task) {
        switch ($name) {
            'Build' { Invoke-Build }
            'Help' { Invoke-Help }
            'Test' { Invoke-Test }
            'Demo' { Invoke-Demo }
            'Package' { Invoke-Package }
            'Bench' { Invoke-Bench }
            'Clean' { Invoke-Clean }
        }
    }
}
finally {
    Pop-Location
}
