# Test-CISynapsePrerequisite | Repair-CISynapsePrerequisite, as the help's example 2 shows: the results bind to
# -InputObject (found while piping them in the secrets scenario: they did not bind at all).
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $connectArgs = $Stack.ConnectArguments
    $null = Connect-CISynapseAccount @connectArgs
    $account = $Prepared.storageAccounts[0]
    $workspace = $Prepared.synapseWorkspaces[0]
    $script:Check = @{
        SubscriptionId = $workspace.subscriptionId; WorkspaceResourceGroupName = $workspace.resourceGroup; WorkspaceName = $workspace.name
        StorageAccountResourceId = "/subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)"
        Container = $account.containers[0].name
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Disconnect-CISynapseAccount
}

Describe 'Repairing what the checks piped in' {
    It 'creates the missing role assignment from piped results, after which every check passes' {
        $missing = $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
        $missing.roleAssignments = @($missing.roleAssignments | Where-Object { $_.description -notlike 'Workspace managed identity*' })
        Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $missing

        $repaired = @(Test-CISynapsePrerequisite @Check | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop)

        $repaired.Count | Should -Be 1
        $repaired[0].ObjectId | Should -Be $Prepared.synapseWorkspaces[0].identity.principalId
        @(Test-CISynapsePrerequisite @Check | Where-Object Status -NE 'Passed') | Should -BeNullOrEmpty
    }

    It 'still takes the workspace and storage by property name from an object' {
        { [pscustomobject]$Check | Repair-CISynapsePrerequisite -WhatIf -ErrorAction Stop } | Should -Not -Throw
    }
}
