<#
.SYNOPSIS
    Runs a bench scenario (default: lake) in Release; build.ps1 -Task Bench calls it.
.EXAMPLE
    ./bench/run.ps1 lake --quick
#>
# Not an advanced script on purpose: options such as --out must reach the bench untouched (through $args).
param(
    # The built module (passed by build.ps1; the lake scenario drives the Core assembly directly and does not use it).
    [string] $ModulePath
)
[string[]] $Arguments = @($args)
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
if (-not (Test-Path (Join-Path $root 'node_modules/.bin/azurite-blob'))) {
    Push-Location $root
    try { npm ci --no-audit --no-fund; if ($LASTEXITCODE) { throw "npm ci failed ($LASTEXITCODE)." } } finally { Pop-Location }
}
if ($Arguments.Count -eq 0 -or $Arguments[0].StartsWith('-')) {
    $Arguments = @('lake') + $Arguments
}
& dotnet run -c Release --project (Join-Path $root 'bench/CustomerInsightsSynapse.Bench') -- @Arguments
exit $LASTEXITCODE
