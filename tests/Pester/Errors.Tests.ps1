# Issue 19: what a runbook and a new administrator see when something goes wrong: run outcomes that stop scripts,
# sign-in errors that say what to run, not-found errors that list what exists, role and lock messages.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $script:Sub = $Prepared.subscriptions[0].subscriptionId
    $script:Rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $script:Workspace = $Prepared.synapseWorkspaces[0].name
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container
    $script:ConnectPath = Join-Path $TestDrive 'connect.json'
    $Stack.ConnectArguments | ConvertTo-Json | Set-Content -LiteralPath $ConnectPath

    function New-Scenario {
        # A fresh store with one connection and one export of three entities.
        param([switch] $NoExport)
        $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $store = Join-Path $TestDrive "store-$id"
        Set-CISynapseStore -Location $store
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect | Out-Null
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$id") -Rows @{ Customer = 5; UnifiedActivity = 7; Segments = 3 } -PartitionsPerEntity 2
        $null = New-CISynapseConnection -Name "conn-$id" -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container
        if (-not $NoExport) {
            $null = New-CISynapseExport -Name "export-$id" -Connection "conn-$id" -Source $source.FullName -DatabaseName "db_$id" -Entity 'Customer', 'UnifiedActivity', 'Segments'
        }
        [pscustomobject]@{ Id = $id; Store = $store; Source = $source.FullName; Export = "export-$id"; Connection = "conn-$id" }
    }

    function Invoke-ChildPwsh {
        # Runs a script file in a child pwsh -NonInteractive (bounded); returns its exit code and output.
        param([Parameter(Mandatory)] [string] $File, [string[]] $Arguments = @(), [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 180)
        $info = [Diagnostics.ProcessStartInfo]::new()
        $pwsh = Join-Path $PSHOME 'pwsh'
        if (Test-Path $pwsh) { $info.FileName = $pwsh } else { $info.FileName = 'dotnet'; $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($argument in @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments) { $info.ArgumentList.Add($argument) }
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { $null = $info.Environment.Remove($name) } else { $info.Environment[$name] = $Environment[$name] }
        }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($info)
        $output = $process.StandardOutput.ReadToEndAsync()
        $errors = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The child pwsh running $File did not finish within $TimeoutSeconds s."
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $output.Result; Errors = $errors.Result; All = $output.Result + $errors.Result }
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Run outcomes in a runbook' {
    BeforeAll {
        # The README's runbook, signed in to the local stack instead of a managed identity.
        $script:Runbook = Join-Path $TestDrive 'runbook.ps1'
        Set-Content -LiteralPath $Runbook -Value @'
param([string] $Module, [string] $ConnectPath, [string] $Store)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$connect = Get-Content -Raw -LiteralPath $ConnectPath | ConvertFrom-Json -AsHashtable
$null = Connect-CISynapseAccount @connect
Set-CISynapseStore -Location $Store
Get-CISynapseExport | Invoke-CISynapseExport -Confirm:$false
Get-CISynapseExportRun -Last 5 | Format-Table
'@
        function Invoke-Runbook([string] $Store) {
            Invoke-ChildPwsh -File $Runbook -Arguments '-Module', $env:CISYNAPSE_TEST_MODULE, '-ConnectPath', $ConnectPath, '-Store', $Store
        }
    }

    It 'exits 0 after a successful run' {
        $s = New-Scenario
        $result = Invoke-Runbook $s.Store
        $result.ExitCode | Should -Be 0 -Because $result.All
        (Get-CISynapseExportRun -ExportName $s.Export -Last 1).Status | Should -Be 'Succeeded'
    }

    It 'exits non-zero after a failed run (the source is gone), naming ExportRunFailed and the cause' {
        $s = New-Scenario
        Remove-Item -LiteralPath $s.Source -Recurse -Force
        $result = Invoke-Runbook $s.Store
        $result.ExitCode | Should -Not -Be 0 -Because $result.All
        $result.All | Should -Match 'CdmDocumentNotFound'
        $result.All | Should -Not -Match 'Status\s+-+' -Because 'the runbook stopped at the failed run'
        (Get-CISynapseExportRun -ExportName $s.Export -Last 1).Status | Should -Be 'Failed'
    }

    It 'exits non-zero after a partially failed run' {
        $s = New-Scenario
        Remove-Item (Join-Path $s.Source 'Segments/part-00001.csv')
        $result = Invoke-Runbook $s.Store
        $result.ExitCode | Should -Not -Be 0 -Because $result.All
        $result.All | Should -Match 'Segments'
        (Get-CISynapseExportRun -ExportName $s.Export -Last 1).Status | Should -Be 'PartiallySucceeded'
    }
}

Describe 'The run outcome rule in a session' {
    It 'a failed run is a terminating ExportRunFailed error whose inner exception carries the cause and whose target is the saved run' {
        $s = New-Scenario
        Remove-Item -LiteralPath $s.Source -Recurse -Force
        $output = @()
        $failure = $null
        try { $output = @(Invoke-CISynapseExport -Name $s.Export -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Continue) }
        catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'ExportRunFailed,*'
        $failure.Exception.InnerException.ErrorId | Should -Be 'CdmDocumentNotFound'
        $failure.TargetObject.GetType().Name | Should -Be 'CISynapseExportRun'
        $failure.TargetObject.Status | Should -Be 'Failed'
        $failure.TargetObject.RunId | Should -Be (Get-CISynapseExportRun -ExportName $s.Export -Last 1).RunId
        $failure.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'a partially succeeded run writes ExportRunPartiallySucceeded: $? is false and -ErrorAction Stop stops' {
        $s = New-Scenario
        Remove-Item (Join-Path $s.Source 'Segments/part-00001.csv')
        $run = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
        $succeeded = $?
        $succeeded | Should -BeFalse
        $run.Status | Should -Be 'PartiallySucceeded'
        { Invoke-CISynapseExport -Name $s.Export -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId 'ExportRunPartiallySucceeded,*'
    }

    It 'a successful run writes no error' {
        $s = New-Scenario
        $run = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -WarningAction SilentlyContinue -ErrorVariable errors
        $succeeded = $?
        $run.Status | Should -Be 'Succeeded'
        $succeeded | Should -BeTrue
        @($errors).Count | Should -Be 0
    }
}

Describe 'Not connected' {
    It 'every cmdlet that needs Azure fails with NotConnected and the commands that sign in, in a process with no credential' {
        # Get-CISynapseRole and the store commands on a local store need no Azure, so they are not in the list.
        $emptyHome = Join-Path $TestDrive 'no-credential-home'
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $emptyHome '.azure')
        $script = Join-Path $TestDrive 'not-connected.ps1'
        Set-Content -LiteralPath $script -Value @'
param([string] $Module, [string] $Store, [string] $ResultPath)
Import-Module $Module
Set-CISynapseStore -Location $Store
$ErrorActionPreference = 'Stop'
$sub = '00000000-0000-0000-0000-000000000001'
$account = "/subscriptions/$sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/cistorage"
$commands = [ordered]@{
    'Invoke-CISynapseExport'       = { Invoke-CISynapseExport -Name 'nightly' -Confirm:$false }
    'Test-CISynapsePrerequisite'   = { Test-CISynapsePrerequisite -SubscriptionId $sub -WorkspaceResourceGroupName rg -WorkspaceName ws -StorageAccountResourceId $account -Container exports }
    'New-CISynapseConnection'      = { New-CISynapseConnection -Name 'Sales' -SubscriptionId $sub -ResourceGroupName rg -WorkspaceName ws -StorageAccountName cistorage -Container exports -Confirm:$false }
    'Get-CISynapseConnection'      = { Get-CISynapseConnection }
    'Get-CISynapseExport'          = { Get-CISynapseExport }
    'Grant-CISynapseRole'          = { Grant-CISynapseRole -PrincipalId '00000000-0000-0000-0000-0000000000aa' -Role Viewer -Confirm:$false }
    'Get-CISynapseEntity (blob)'   = { Get-CISynapseEntity -Source 'https://cistorage.blob.core.windows.net/ci/output' }
}
$results = foreach ($name in $commands.Keys) {
    $errorRecord = $null
    try { $null = & $commands[$name] } catch { $errorRecord = $_ }
    [ordered]@{
        Command           = $name
        ErrorId           = if ($errorRecord) { $errorRecord.FullyQualifiedErrorId.Split(',')[0] } else { '' }
        Message           = if ($errorRecord) { $errorRecord.Exception.Message } else { '' }
        RecommendedAction = if ($errorRecord) { "$($errorRecord.ErrorDetails.RecommendedAction)" } else { '' }
    }
}
ConvertTo-Json -InputObject @($results) | Set-Content -LiteralPath $ResultPath
'@
        $resultPath = Join-Path $TestDrive 'not-connected.json'
        # No credential the default chain can use: no AZURE_* variables, an empty Azure CLI folder and no az on PATH
        # (and no managed identity: the test machine is not an Azure VM).
        $environment = @{
            HOME             = $emptyHome
            AZURE_CONFIG_DIR = (Join-Path $emptyHome '.azure')
            PATH             = (Split-Path -Parent ([Diagnostics.Process]::GetCurrentProcess().MainModule.FileName))
        }
        foreach ($name in [Environment]::GetEnvironmentVariables().Keys | Where-Object { $_ -like 'AZURE_*' -or $_ -like 'IDENTITY_*' -or $_ -like 'MSI_*' }) {
            if (-not $environment.ContainsKey($name)) { $environment[$name] = $null }
        }
        $child = Invoke-ChildPwsh -File $script -Arguments '-Module', $env:CISYNAPSE_TEST_MODULE, '-Store', (Join-Path $TestDrive 'not-connected-store'), '-ResultPath', $resultPath -Environment $environment
        $resultPath | Should -Exist -Because $child.All
        $results = Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
        $results.Count | Should -Be 7
        foreach ($result in $results) {
            $result.ErrorId | Should -Be 'NotConnected' -Because "$($result.Command): $($result.Message)"
            $result.Message | Should -Match 'Connect-CISynapseAccount'
            foreach ($command in 'Connect-CISynapseAccount', 'Connect-CISynapseAccount -Identity', 'Connect-CISynapseAccount -AccessToken') {
                $result.RecommendedAction | Should -Match ([regex]::Escape($command)) -Because $result.Command
            }
        }
    }
}

Describe 'Not found: what exists, and the nearest name' {
    BeforeAll {
        function Get-Failure([scriptblock] $Command) {
            try { & $Command; $null } catch { $_ }
        }
    }

    It 'ExportNotFound lists the exports of the store and suggests the nearest' {
        $s = New-Scenario
        $failure = Get-Failure { Invoke-CISynapseExport -Name "$($s.Export)x" -Confirm:$false -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ExportNotFound,*'
        $failure.Exception.Message | Should -Match ([regex]::Escape("The exports in the store are: '$($s.Export)'. Did you mean '$($s.Export)'?"))
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("'$($s.Export)'"))

        $failure = Get-Failure { Get-CISynapseExport -Name 'completely-different' -ErrorAction Stop }
        $failure.Exception.Message | Should -Match ([regex]::Escape("'$($s.Export)'"))
        $failure.Exception.Message | Should -Not -Match 'Did you mean'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Get-CISynapseExport'
    }

    It 'ConnectionNotFound lists the connections of the store and suggests the nearest' {
        $s = New-Scenario -NoExport
        $typo = $s.Connection.Substring(0, $s.Connection.Length - 1)
        $failure = Get-Failure { Get-CISynapseConnection -Name $typo -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound,*'
        $failure.Exception.Message | Should -Match ([regex]::Escape("Did you mean '$($s.Connection)'?"))
        $failure = Get-Failure { New-CISynapseExport -Name 'e' -Connection $typo -Source $s.Source -DatabaseName 'db_e' -Entity Customer -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound,*'
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("'$($s.Connection)'"))
    }

    It '<ErrorId> lists what the resource group or account holds and suggests the nearest' -ForEach @(
        @{ ErrorId = 'WorkspaceNotFound'; Change = @{ WorkspaceName = 'ws-ci-exprt' }; Expected = 'ws-ci-export'; Listed = "workspaces in resource group" }
        @{ ErrorId = 'StorageAccountNotFound'; Change = @{ StorageAccountName = 'cisynapselak' }; Expected = 'cisynapselake'; Listed = 'storage accounts in resource group' }
        @{ ErrorId = 'ContainerNotFound'; Change = @{ Container = 'customerinsight' }; Expected = 'customerinsights'; Listed = "containers of the storage account 'cisynapselake'" }
    ) {
        $null = New-Scenario -NoExport
        $arguments = @{ Name = 'typo'; SubscriptionId = $Sub; ResourceGroupName = $Rg; WorkspaceName = $Workspace; StorageAccountName = $Account; Container = $Container }
        foreach ($key in $Change.Keys) { $arguments[$key] = $Change[$key] }
        $failure = Get-Failure { New-CISynapseConnection @arguments -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failure.Exception.Message | Should -Match ([regex]::Escape($Listed))
        $failure.Exception.Message | Should -Match ([regex]::Escape("Did you mean '$Expected'?"))
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("'$Expected'"))
    }

    It 'CdmDocumentNotFound lists the folders beside a missing local source and suggests the nearest' {
        $s = New-Scenario -NoExport
        $failure = Get-Failure { Get-CISynapseEntity -Source "$($s.Source)x" -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'CdmDocumentNotFound,*'
        $failure.Exception.Message | Should -Match ([regex]::Escape("Did you mean '$(Split-Path -Leaf $s.Source)'?"))
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape($s.Source))
    }

    It 'UnsupportedCdmDocument lists the CDM documents of the folder' {
        $s = New-Scenario -NoExport
        $notes = Join-Path $s.Source 'model.txt'
        Set-Content -LiteralPath $notes -Value 'not a CDM document'
        $failure = Get-Failure { Get-CISynapseEntity -Source $notes -ErrorAction Stop }
        $failure.FullyQualifiedErrorId | Should -BeLike 'UnsupportedCdmDocument,*'
        $failure.Exception.Message | Should -Match ([regex]::Escape("The CDM documents in its folder are: 'model.json'."))
        $failure.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
}
