# Storage network rules as Azure applies them: the emulator's storage front door (a stack with -FaultyStorage) refuses
# data requests that the account's network rules do not admit with 403 AuthorizationFailure, and
# Test-CISynapsePrerequisite says so in StorageNetworkAllowsCaller, with the fix. The prepared tenant denies by default
# and admits this computer through an IP rule.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:NoEmulator = -not (Get-Command Start-CISynapseTestStack -ErrorAction Ignore)
}

Describe 'Storage network rules' -Skip:$NoEmulator {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
        $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
        $script:Stack = Start-CISynapseTestStack -Scenario $Prepared -FaultyStorage
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect
        $account = $Prepared.storageAccounts[0]
        $script:Target = @{
            SubscriptionId = $Prepared.subscriptions[0].subscriptionId; WorkspaceResourceGroupName = $Prepared.synapseWorkspaces[0].resourceGroup
            WorkspaceName = $Prepared.synapseWorkspaces[0].name; Container = $account.containers[0].name
            StorageAccountResourceId = "/subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)"
        }

        function Use-Scenario([scriptblock] $Change) {
            $scenario = $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
            if ($Change) { & $Change $scenario }
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $scenario
        }
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
        Disconnect-CISynapseAccount
    }

    It 'passes for the prepared tenant: default Deny, and an IP rule that admits this computer' {
        Use-Scenario
        $results = @(Test-CISynapsePrerequisite @Target)
        $check = $results | Where-Object CheckId -EQ 'StorageNetworkAllowsCaller'
        $check.Status | Should -Be 'Passed' -Because $check.Reason
        @($results | Where-Object Status -NE 'Passed').CheckId | Should -BeNullOrEmpty
    }

    It 'fails with the fix when <Name>' -ForEach @(
        @{ Name = 'no IP rule admits this computer'; Change = { param($s) $s.storageAccounts[0].networkAcls.ipRules = @() }; Fix = "Add-AzStorageAccountNetworkRule -ResourceGroupName 'rg-ci-synapse' -Name 'cisynapselake' -IPAddressOrRange*"; Reason = '*do not admit this computer.' }
        @{ Name = 'public network access is disabled'; Change = { param($s) $s.storageAccounts[0].publicNetworkAccess = 'Disabled' }; Fix = '*private endpoint*Set-AzStorageAccount*-PublicNetworkAccess Enabled*'; Reason = '*(public network access is disabled).' }
    ) {
        Use-Scenario $Change

        $results = @(Test-CISynapsePrerequisite @Target)

        $check = $results | Where-Object CheckId -EQ 'StorageNetworkAllowsCaller'
        $check.Status | Should -Be 'Failed'
        $check.Reason | Should -BeLike "The storage account 'cisynapselake' answered 403 AuthorizationFailure: its network rules do not admit this computer*"
        $check.Reason | Should -BeLike $Reason
        $check.Remediation | Should -BeLike $Fix
        $check.CanRepair | Should -BeFalse
    }

    It 'answers a refused data request as Azure does: 403 AuthorizationFailure' {
        Use-Scenario { param($s) $s.storageAccounts[0].networkAcls.ipRules = @() }
        $url = "$($Stack.StorageProxyUrl)/cisynapselake/customerinsights?restype=container"
        $response = Invoke-WebRequest -Uri $url -SkipHttpErrorCheck -Headers @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2023-11-03' }
        $response.StatusCode | Should -Be 403
        "$($response.Headers['x-ms-error-code'])" | Should -Be 'AuthorizationFailure'
        "$($response.Content)" | Should -BeLike '*<Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.*'
    }
}
