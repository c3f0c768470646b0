<#
.SYNOPSIS
    The whole story, run by build.ps1 -Task Demo against the built module and the local stand-ins for Azure
    (Azurite for storage, tests/AzureEmulator for Resource Manager, Graph and the Synapse endpoints).
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$ProgressPreference = 'SilentlyContinue'

function Show-Step([string] $Text) { Write-Host ''; Write-Host "== $Text" -ForegroundColor Cyan }
function Show([Parameter(ValueFromPipeline)] $InputObject) { begin { $all = @() } process { $all += $InputObject } end { $all | Out-String -Width 160 | Write-Host } }

Import-Module $ModulePath -Force
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
Import-Module (Join-Path $repo 'tests/TestStack/TestStack.psm1') -Force
Import-Module (Join-Path $repo 'tests/TestStack/CdmTestData.psm1') -Force

$scenario = Get-Content -Raw (Join-Path $repo 'tests/AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
$sub = $scenario.subscriptions[0].subscriptionId
$rg = $scenario.synapseWorkspaces[0].resourceGroup
$workspace = $scenario.synapseWorkspaces[0].name
$account = $scenario.storageAccounts[0].name
$container = $scenario.storageAccounts[0].containers[0].name

# The tenant starts with one requirement missing, so that the repair has something to do: the workspace
# managed identity has no Storage Blob Data Contributor on the storage.
$workspaceIdentity = $scenario.synapseWorkspaces[0].identity.principalId
$tenant = $scenario | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
$tenant.roleAssignments = @($tenant.roleAssignments | Where-Object { $_.principalId -ne $workspaceIdentity })

$work = Join-Path ([IO.Path]::GetTempPath()) ("cisynapse-demo-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $work
$stack = $null
try {
    Show-Step 'Start the local stand-ins for Azure'
    $stack = Start-CISynapseTestStack -Scenario $tenant
    New-CISynapseTestBlobContainer -Stack $stack -Account $account -Container $container
    Write-Host "Resource Manager: $($stack.ResourceManagerUrl)"
    Write-Host "Blob storage:     $(Get-CISynapseTestBlobEndpoint $stack $account)"
    $sqlMode = if ($stack.PSObject.Properties['SqlEndpoint'] -and $stack.SqlEndpoint) { 'Apply' } else { 'ScriptOnly' }
    if ($sqlMode -eq 'ScriptOnly') { Write-Host 'No serverless SQL endpoint is reachable here: the export uses ScriptOnly and saves its T-SQL in the lake.' }

    Show-Step 'Connect-CISynapseAccount (tokens for a local Resource Manager)'
    Set-CISynapseStore -Location (Join-Path $work 'store')
    $connect = $stack.ConnectArguments
    Connect-CISynapseAccount @connect | Show

    Show-Step 'Admin > Connections > Add connection > Azure Synapse Analytics'
    New-CISynapseConnection -Name 'contoso-synapse' -DisplayName 'Contoso analytics' -UsableBy AdministratorsAndContributors `
        -SubscriptionId $sub -ResourceGroupName $rg -WorkspaceName $workspace -StorageAccountName $account -Container $container | Show

    Show-Step 'Test-CISynapsePrerequisite: which role assignment is missing?'
    Test-CISynapsePrerequisite -ConnectionName 'contoso-synapse' | Show

    Show-Step 'Repair-CISynapsePrerequisite -Confirm:$false, then test again'
    Repair-CISynapsePrerequisite -ConnectionName 'contoso-synapse' -Confirm:$false -WarningAction SilentlyContinue | Show
    Test-CISynapsePrerequisite -ConnectionName 'contoso-synapse' | Group-Object Status -NoElement | Show

    Show-Step 'The Customer Insights data (a generated CDM folder)'
    $source = New-CISynapseTestCdmFolder -Path (Join-Path $work 'customer-insights') -Rows @{ Customer = 500; UnifiedActivity = 2000; CustomerMeasures = 500; Segments = 50 } -PartitionsPerEntity 2
    Get-CISynapseEntity -Source $source.FullName | Show

    Show-Step 'Data > Exports > Add export (saving does not run it)'
    New-CISynapseExport -Name 'customers' -DisplayName 'Customers to Synapse' -Connection 'contoso-synapse' -Source $source.FullName `
        -DatabaseName 'CustomerInsights' -Entity 'Customer', 'UnifiedActivity', 'Segments' -DeploymentMode $sqlMode | Show

    Show-Step 'Invoke-CISynapseExport -WhatIf: the plan and the T-SQL'
    Invoke-CISynapseExport -Name 'customers' -WhatIf

    Show-Step 'Run it on demand'
    Invoke-CISynapseExport -Name 'customers' -Confirm:$false -WarningAction SilentlyContinue | Show

    Show-Step 'Update the export: add CustomerMeasures, remove Segments (left in Synapse, no longer refreshed)'
    Get-CISynapseExport -Name 'customers' | Set-CISynapseExport -AddEntity 'CustomerMeasures' -RemoveEntity 'Segments' -PassThru | Show

    Show-Step 'The next scheduled refresh: only what changed is landed'
    # Customer Insights refreshed the Customer entity (and Segments, which the export no longer selects).
    $refresh = New-CISynapseTestCdmFolder -Path (Join-Path $work 'refresh') -Rows @{ Customer = 520; Segments = 60 } -PartitionsPerEntity 2
    foreach ($name in 'Customer', 'Segments') { Copy-Item -Path (Join-Path $refresh.FullName $name '*') -Destination (Join-Path $source.FullName $name) -Force }
    $run = Invoke-CISynapseExport -Name 'customers' -Confirm:$false -WarningAction SilentlyContinue
    $run.Entities | Show

    Show-Step 'The lake: one folder per database and entity, a snapshot per refresh'
    Get-CISynapseTestBlob -Stack $stack -Account $account -Container $container -Prefix 'CustomerInsights/' |
        Where-Object Name -NotMatch '/_lock$' | Select-Object Name, Length | Show

    Show-Step 'The T-SQL of the last run (first lines)'
    $sqlText = [Text.Encoding]::UTF8.GetString((Get-CISynapseTestBlobContent -Stack $stack -Account $account -Container $container -Name $run.SqlScriptPath))
    ($sqlText -split "`n" | Select-Object -First 40) -join "`n" | Write-Host

    Show-Step 'Get-CISynapseExportRun'
    Get-CISynapseExportRun -ExportName 'customers' | Show

    if ($sqlMode -eq 'Apply') {
        Show-Step 'Query the exported views through the serverless SQL endpoint (SqlClient over TDS)'
        foreach ($view in 'Customer', 'UnifiedActivity', 'CustomerMeasures', 'Segments') {
            $count = Invoke-CISynapseEmulatorQuery -Stack $stack -Database 'CustomerInsights' -Query "SELECT COUNT(*) AS n FROM [dbo].[$view]"
            Write-Host ("{0,-17} {1,6} rows" -f $view, $count.n)
        }
        Invoke-CISynapseEmulatorQuery -Stack $stack -Database 'CustomerInsights' `
            -Query 'SELECT TOP 5 CustomerId, FirstName, LastName, Email FROM dbo.Customer ORDER BY CustomerId' | Show
        Invoke-CISynapseEmulatorQuery -Stack $stack -Database 'CustomerInsights' `
            -Query 'SELECT TOP 5 SegmentId, CustomerId, SegmentName FROM dbo.Segments WHERE SegmentId = 3 ORDER BY CustomerId' | Show
    }
}
finally {
    if ($stack) { Stop-CISynapseTestStack -Stack $stack }
    Remove-Item -Recurse -Force -ErrorAction Ignore $work
}
