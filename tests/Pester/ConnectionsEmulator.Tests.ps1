# The Customer Insights connection steps against the Azure emulator: validation in Resource Manager, each
# failure with its ErrorId and nothing stored. Skipped until tests/TestStack can start the emulator.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:NoEmulator = -not (Get-Command Start-CISynapseTestStack -ErrorAction Ignore)
}

Describe 'Connections validated against the Azure emulator' -Skip:$NoEmulator {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
        $scenarioPath = Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json'
        $script:Prepared = Get-Content -Raw $scenarioPath | ConvertFrom-Json -AsHashtable
        $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
        $script:connectArgs = $Stack.ConnectArguments
        $script:sub = $Prepared.subscriptions[0].subscriptionId
        $script:rg = $Prepared.synapseWorkspaces[0].resourceGroup
        $script:workspace = $Prepared.synapseWorkspaces[0].name
        $script:account = $Prepared.storageAccounts[0].name
        $script:container = $Prepared.storageAccounts[0].containers[0].name

        function Copy-Scenario { $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable }
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
        Set-CISynapseStore -Default
        Disconnect-CISynapseAccount
    }

    BeforeEach {
        $script:storePath = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Set-CISynapseStore -Location $storePath
        Connect-CISynapseAccount @connectArgs
    }

    It 'follows the documentation: display name, who can use it, subscription, workspace, storage account, container, save' {
        $saved = New-CISynapseConnection -Name 'Sales' -DisplayName 'Sales lake' -UsableBy AdministratorsAndContributors `
            -SubscriptionId $sub -ResourceGroupName $rg -WorkspaceName $workspace -StorageAccountName $account -Container $container

        $saved.Validated | Should -BeTrue
        $saved.UsableBy | Should -Be 'AdministratorsAndContributors'
        $saved.CreatedBy | Should -Be $Prepared.signedInUser
        (Get-CISynapseConnection -Name 'Sales').WorkspaceResourceId |
            Should -Be "/subscriptions/$sub/resourceGroups/$rg/providers/Microsoft.Synapse/workspaces/$workspace"
        (Get-CISynapseRole).PrincipalId | Should -Be $Prepared.signedInUser
    }

    It 'takes the workspace from an object shaped like Get-AzSynapseWorkspace output' {
        $azWorkspace = [pscustomobject]@{
            Name = $workspace; ResourceGroupName = $rg; Type = 'Microsoft.Synapse/workspaces'
            Id = "/subscriptions/$sub/resourceGroups/$rg/providers/Microsoft.Synapse/workspaces/$workspace"
        }
        $azStorage = [pscustomobject]@{
            StorageAccountName = $account; ResourceGroupName = $rg
            Id = "/subscriptions/$sub/resourceGroups/$rg/providers/Microsoft.Storage/storageAccounts/$account"
        }

        $saved = $azWorkspace | New-CISynapseConnection -Name 'Piped' -StorageAccount $azStorage -Container $container

        $saved.Validated | Should -BeTrue
        $saved.WorkspaceName | Should -Be $workspace
        $saved.StorageAccountResourceId | Should -Be $azStorage.Id
    }

    It 'reports <ErrorId> and stores nothing' -ForEach @(
        @{ ErrorId = 'SubscriptionNotFound'; Change = { param($p) $p.SubscriptionId = '00000000-1111-2222-3333-444444444444' } }
        @{ ErrorId = 'SubscriptionNotEnabled'; Scenario = { param($s) $s.subscriptions[0].state = 'Disabled' } }
        @{ ErrorId = 'WorkspaceNotFound'; Change = { param($p) $p.WorkspaceName = 'ws-missing' } }
        @{ ErrorId = 'StorageAccountNotFound'; Change = { param($p) $p.StorageAccountName = 'missinglake' } }
        @{ ErrorId = 'ContainerNotFound'; Scenario = { param($s) $s.storageAccounts[0].containers = @() } }
    ) {
        $parameters = @{ Name = 'Sales'; SubscriptionId = $sub; ResourceGroupName = $rg; WorkspaceName = $workspace; StorageAccountName = $account; Container = $container }
        if ($Change) { & $Change $parameters }
        if ($Scenario) {
            $changed = Copy-Scenario
            & $Scenario $changed
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $changed
        }
        try {
            { New-CISynapseConnection @parameters -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        }
        finally {
            if ($Scenario) { Set-CISynapseEmulatorScenario -Stack $Stack -Scenario (Copy-Scenario) }
        }
        @(Get-ChildItem -Recurse -File -Force $storePath -ErrorAction Ignore | Where-Object Name -NE '.store.lock') | Should -BeNullOrEmpty
    }

    It 'keeps the same store in a Blob container, with revisions checked through ETags' {
        $containerName = 'defs-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $headers = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06' }
        $null = Invoke-WebRequest -Method Put -Uri "$($Stack.AzuriteBlobUrl)/$($containerName)?restype=container" -Headers $headers
        Set-CISynapseStore -Location "$($Stack.AzuriteBlobUrl)/$containerName/team"

        $saved = New-CISynapseConnection -Name 'Shared' -SubscriptionId $sub -ResourceGroupName $rg -WorkspaceName $workspace -StorageAccountName $account -Container $container
        $stale = Get-CISynapseConnection -Name 'shared'
        Set-CISynapseConnection -Name 'Shared' -DisplayName 'Team lake' -SkipValidation

        $saved.StoreLocation | Should -BeLike "$($Stack.AzuriteBlobUrl)/$containerName/team*"
        (Get-CISynapseConnection -Name 'Shared').DisplayName | Should -Be 'Team lake'
        { $stale | Set-CISynapseConnection -DisplayName 'Lost' -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId 'StoreConflict,*'
        (Get-CISynapseRole).PrincipalId | Should -Be $Prepared.signedInUser
        $listing = (Invoke-WebRequest -Uri "$($Stack.AzuriteBlobUrl)/$($containerName)?restype=container&comp=list&prefix=team/" -Headers $headers).Content
        $listing | Should -Match 'team/connections/shared.json'
        $listing | Should -Match 'team/roles/assignments.json'
        Get-CISynapseConnection -Name 'Shared' | Remove-CISynapseConnection -Confirm:$false
        Get-CISynapseConnection | Should -BeNullOrEmpty
    }

    It 'keeps none of the tokens it was given in the store' {
        $null = New-CISynapseConnection -Name 'Sales' -SubscriptionId $sub -ResourceGroupName $rg -WorkspaceName $workspace -StorageAccountName $account -Container $container
        foreach ($file in Get-ChildItem -Recurse -File -Force $storePath) {
            $text = Get-Content -Raw -LiteralPath $file.FullName
            foreach ($token in $Stack.Tokens.Values) {
                if ($text) { $text.Contains($token.Split('.')[1]) | Should -BeFalse -Because $file.FullName }
            }
        }
    }
}
