# Completion of subscriptions, workspaces, storage accounts and containers from Resource Manager (through TabExpansion2,
# as a console does), and Get-CISynapseWorkspace piped into New-CISynapseConnection, against the Azure emulator.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:NoEmulator = -not (Get-Command Start-CISynapseTestStack -ErrorAction Ignore)
}

Describe 'Resource Manager completion and workspace discovery' -Skip:$NoEmulator {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
        $scenario = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
        $user = $scenario.signedInUser
        $script:SubA = $scenario.subscriptions[0].subscriptionId
        $script:SubB = '7c2e4b1a-9d3f-4e5a-8b6c-0000000000c3'
        $script:SubHidden = '9e8d7c6b-5a4f-4e3d-8c2b-0000000000d4'
        function New-Workspace($Sub, $Rg, $Name, $Account, $Filesystem, $PrincipalId) {
            @{ subscriptionId = $Sub; resourceGroup = $Rg; name = $Name; location = 'westeurope'
               identity = @{ type = 'SystemAssigned'; principalId = $PrincipalId }
               defaultDataLakeStorage = @{ accountName = $Account; filesystem = $Filesystem }; firewallRules = @(); roleAssignments = @() }
        }
        function New-Account($Sub, $Rg, $Name, [bool] $Hns, [string[]] $Containers) {
            @{ subscriptionId = $Sub; resourceGroup = $Rg; name = $Name; location = 'westeurope'; kind = 'StorageV2'; isHnsEnabled = $Hns
               networkAcls = @{ bypass = 'AzureServices'; defaultAction = 'Allow'; ipRules = @(); virtualNetworkRules = @(); resourceAccessRules = @() }
               containers = @($Containers | ForEach-Object { @{ name = $_ } }) }
        }
        # Contoso Analytics (the prepared tenant) gets a second resource group; Fabrikam Data is readable in one resource
        # group only; a third subscription is not readable at all. Two items a page, so every list follows nextLink.
        $scenario.subscriptions[0].resourceGroups += @{ name = 'rg-ci-other'; location = 'westeurope' }
        $scenario.subscriptions += @{ subscriptionId = $SubB; displayName = 'Fabrikam Data'; state = 'Enabled'
            resourceGroups = @(@{ name = 'rg-fab'; location = 'westeurope' }, @{ name = 'rg-fab-private'; location = 'westeurope' }) }
        $scenario.subscriptions += @{ subscriptionId = $SubHidden; displayName = 'Hidden Holdings'; state = 'Enabled'
            resourceGroups = @(@{ name = 'rg-hidden'; location = 'westeurope' }) }
        $scenario.storageAccounts[0].containers += @(@{ name = 'archive' }, @{ name = 'exports' })
        $scenario.storageAccounts += New-Account $SubA 'rg-ci-synapse' 'aaflatblob' $false 'raw'
        $scenario.storageAccounts += New-Account $SubA 'rg-ci-other' 'mktlake' $true 'marketing', 'archive'
        $scenario.storageAccounts += New-Account $SubB 'rg-fab' 'fablake' $true 'fabdata'
        $scenario.storageAccounts += New-Account $SubB 'rg-fab-private' 'fabprivate' $true 'secret'
        $scenario.storageAccounts += New-Account $SubHidden 'rg-hidden' 'hiddenlake' $true 'hidden'
        $scenario.synapseWorkspaces += New-Workspace $SubA 'rg-ci-other' 'ws-ci-marketing' 'mktlake' 'marketing' 'a1b2c3d4-0000-4000-8000-0000000000a1'
        $scenario.synapseWorkspaces += New-Workspace $SubB 'rg-fab' 'ws-fab-lake' 'fablake' 'fabdata' 'a1b2c3d4-0000-4000-8000-0000000000a2'
        $scenario.synapseWorkspaces += New-Workspace $SubB 'rg-fab-private' 'ws-fab-private' 'fabprivate' 'secret' 'a1b2c3d4-0000-4000-8000-0000000000a3'
        $scenario.synapseWorkspaces += New-Workspace $SubHidden 'rg-hidden' 'ws-hidden' 'hiddenlake' 'hidden' 'a1b2c3d4-0000-4000-8000-0000000000a4'
        $scenario.roleAssignments += @{ scope = "/subscriptions/$SubB/resourceGroups/rg-fab"; roleName = 'Reader'; principalId = $user }
        $scenario.options.pageSize = 2
        $script:Stack = Start-CISynapseTestStack -Scenario $scenario
        $script:ConnectArgs = $Stack.ConnectArguments
        $script:LakeId = "/subscriptions/$SubA/resourceGroups/rg-ci-synapse/providers/Microsoft.Storage/storageAccounts/cisynapselake"
        $script:MarketingLakeId = "/subscriptions/$SubA/resourceGroups/rg-ci-other/providers/Microsoft.Storage/storageAccounts/mktlake"

        # What a console offers at the end of $Line.
        function Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches) }
        function Values([string] $Line) { @(Complete $Line | ForEach-Object CompletionText) }
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
        Set-CISynapseStore -Default
        Disconnect-CISynapseAccount
    }

    BeforeEach {
        Set-CISynapseEmulatorLatency -Stack $Stack -Milliseconds 0
        Set-CISynapseStore -Location (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        # A new sign-in starts with an empty completion cache.
        Connect-CISynapseAccount @ConnectArgs
    }

    Context '-SubscriptionId' {
        It 'offers the subscriptions the account can read, by name or id, with both in the tooltip' {
            $all = Complete 'New-CISynapseConnection -SubscriptionId '
            $all.CompletionText | Should -Be @($SubA, $SubB)
            $all[0].ListItemText | Should -Be "Contoso Analytics ($SubA)"
            $all[1].ToolTip | Should -BeLike "Fabrikam Data*$SubB*"

            Values 'New-CISynapseConnection -SubscriptionId fabri' | Should -Be @($SubB)
            Values 'New-CISynapseConnection -SubscriptionId 5f1c' | Should -Be @($SubA)
            Values "New-CISynapseConnection -SubscriptionId '*data'" | Should -Be @("'$SubB'")
            Values 'Test-CISynapsePrerequisite -SubscriptionId Analytics' | Should -Be @($SubA)
            Values 'New-CISynapseConnection -SubscriptionId hidden' | Should -BeNullOrEmpty
            Values "New-CISynapseConnection -SubscriptionId $SubHidden -WorkspaceName " | Should -BeNullOrEmpty
        }
    }

    Context '-WorkspaceName and -ResourceGroupName' {
        It 'offers the readable workspaces, narrowed by the subscription and resource group already given' {
            Values 'New-CISynapseConnection -WorkspaceName ' | Should -Be @('ws-ci-export', 'ws-ci-marketing', 'ws-fab-lake')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName " | Should -Be @('ws-ci-export', 'ws-ci-marketing')
            Values "New-CISynapseConnection -SubscriptionId $SubA -ResourceGroupName rg-ci-other -WorkspaceName " | Should -Be @('ws-ci-marketing')
            Values "Set-CISynapseConnection -Name Sales -SubscriptionId $SubB -WorkspaceName " | Should -Be @('ws-fab-lake')
            Values "Test-CISynapsePrerequisite -WorkspaceResourceGroupName rg-ci-synapse -WorkspaceName " | Should -Be @('ws-ci-export')
            Values 'Get-CISynapseWorkspace -Name ' | Should -Be @('ws-ci-export', 'ws-ci-marketing', 'ws-fab-lake')
        }

        It 'matches partial words and wildcards' {
            Values 'New-CISynapseConnection -WorkspaceName market' | Should -Be @('ws-ci-marketing')
            Values 'New-CISynapseConnection -WorkspaceName ws-f' | Should -Be @('ws-fab-lake')
            Values 'New-CISynapseConnection -WorkspaceName ws-*-export' | Should -Be @('ws-ci-export')
            Values 'New-CISynapseConnection -WorkspaceName nothing' | Should -BeNullOrEmpty
        }

        It 'offers the resource groups that hold workspaces, narrowed by the subscription and workspace' {
            Values "New-CISynapseConnection -SubscriptionId $SubA -ResourceGroupName " | Should -Be @('rg-ci-other', 'rg-ci-synapse')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -ResourceGroupName " | Should -Be @('rg-ci-synapse')
            Values "Test-CISynapsePrerequisite -SubscriptionId $SubB -WorkspaceResourceGroupName " | Should -Be @('rg-fab')
            Values "Get-CISynapseWorkspace -SubscriptionId $SubB -ResourceGroupName " | Should -Be @('rg-fab')
        }
    }

    Context '-StorageAccountName and -StorageAccountResourceId' {
        It "puts the workspace's default data lake account first" {
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -StorageAccountName " | Should -Be @('cisynapselake', 'aaflatblob', 'mktlake')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-marketing -StorageAccountName " | Should -Be @('mktlake', 'aaflatblob', 'cisynapselake')
            Values "New-CISynapseConnection -SubscriptionId $SubA -StorageAccountName " | Should -Be @('aaflatblob', 'cisynapselake', 'mktlake')
            Values "Set-CISynapseConnection -Name Sales -SubscriptionId $SubB -StorageAccountName " | Should -Be @('fablake')
            Values "New-CISynapseConnection -SubscriptionId $SubA -StorageAccountResourceGroupName rg-ci-other -StorageAccountName " | Should -Be @('mktlake')
            (Complete "New-CISynapseConnection -WorkspaceName ws-ci-export -StorageAccountName aa").ToolTip | Should -BeLike '*hierarchical namespace not enabled*'
        }

        It 'offers resource ids to the prerequisite cmdlets, matched by account name' {
            Values "Test-CISynapsePrerequisite -SubscriptionId $SubA -WorkspaceName ws-ci-export -StorageAccountResourceId " |
                Should -Be @($LakeId, ($LakeId -replace 'cisynapselake$', 'aaflatblob'), $MarketingLakeId)
            Values "Repair-CISynapsePrerequisite -SubscriptionId $SubA -StorageAccountResourceId mkt" | Should -Be @($MarketingLakeId)
        }
    }

    Context '-Container' {
        It "offers the chosen account's containers, the workspace's default filesystem first" {
            Values "New-CISynapseConnection -SubscriptionId $SubA -ResourceGroupName rg-ci-synapse -WorkspaceName ws-ci-export -StorageAccountName cisynapselake -Container " |
                Should -Be @('customerinsights', 'archive', 'exports')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -Container " | Should -Be @('customerinsights', 'archive', 'exports')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -StorageAccountName mktlake -StorageAccountResourceGroupName rg-ci-other -Container " |
                Should -Be @('archive', 'marketing')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-marketing -StorageAccountName mktlake -Container " | Should -Be @('marketing', 'archive')
            Values "Test-CISynapsePrerequisite -StorageAccountResourceId $MarketingLakeId -Container arc" | Should -Be @('archive')
            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -Container ex" | Should -Be @('exports')
        }
    }

    Context 'Set-CISynapseConnection' {
        It "narrows by the stored connection where the command line names no workspace or storage account" {
            $null = New-CISynapseConnection -Name Marketing -SubscriptionId $SubA -ResourceGroupName rg-ci-other -WorkspaceName ws-ci-marketing -StorageAccountName mktlake -Container archive

            Values 'Set-CISynapseConnection -Name Marketing -Container ' | Should -Be @('marketing', 'archive')
            Values 'Set-CISynapseConnection -Name Marketing -StorageAccountName ' | Should -Be @('mktlake', 'aaflatblob', 'cisynapselake')
            Values 'Set-CISynapseConnection -Name Marketing -WorkspaceName ws-ci-export -Container ' | Should -Be @('archive', 'marketing')
            Values 'Set-CISynapseConnection -Name Marketing -StorageAccountName cisynapselake -Container ' | Should -Be @('archive', 'customerinsights', 'exports')
            Values 'Set-CISynapseConnection -Name Marketing -WorkspaceName ' | Should -Be @('ws-ci-export', 'ws-ci-marketing')
        }
    }

    Context 'Fast and quiet' {
        It 'answers within its time limit with what it has, and the rest arrives in the cache' {
            $slowList = "/subscriptions/$SubB/providers/Microsoft.Synapse/workspaces"
            # The subscriptions and Contoso's workspaces are in the cache; Fabrikam's workspaces are not.
            $null = Values 'New-CISynapseConnection -SubscriptionId '
            $null = Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName "
            Reset-CISynapseEmulatorRequestLog -Stack $Stack
            Set-CISynapseEmulatorLatency -Stack $Stack -Milliseconds 15000 -Match $slowList
            $errorsBefore = $Error.Count

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $partial = Values 'New-CISynapseConnection -WorkspaceName '
            $watch.Stop()

            # Fabrikam's list is still on its way (the emulator has not answered it), so only Contoso's workspaces are offered.
            $partial | Should -Be @('ws-ci-export', 'ws-ci-marketing')
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object path -EQ $slowList) | Should -BeNullOrEmpty
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 14 -Because 'completion must not wait for a slow answer'
            $Error.Count | Should -Be $errorsBefore

            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (-not @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object path -EQ $slowList) -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 200
            }
            Values 'New-CISynapseConnection -WorkspaceName ' | Should -Be @('ws-ci-export', 'ws-ci-marketing', 'ws-fab-lake')
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object path -EQ $slowList).Count | Should -Be 1 -Because 'the second answer comes from the cache'
        }

        It 'answers from its cache without asking Resource Manager again, however slow it has become' {
            $null = Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -Container "
            Reset-CISynapseEmulatorRequestLog -Stack $Stack
            Set-CISynapseEmulatorLatency -Stack $Stack -Milliseconds 15000

            Values "New-CISynapseConnection -SubscriptionId $SubA -WorkspaceName ws-ci-export -Container " | Should -Be @('customerinsights', 'archive', 'exports')
            Get-CISynapseEmulatorRequestCount -Stack $Stack | Should -Be 0
        }

        It 'offers nothing and writes no error when not connected' {
            Disconnect-CISynapseAccount
            Reset-CISynapseEmulatorRequestLog -Stack $Stack
            $errorsBefore = $Error.Count
            foreach ($line in 'New-CISynapseConnection -SubscriptionId ', 'New-CISynapseConnection -WorkspaceName ', 'New-CISynapseConnection -ResourceGroupName ',
                "New-CISynapseConnection -SubscriptionId $SubA -StorageAccountName ", "New-CISynapseConnection -StorageAccountResourceId $LakeId -Container ",
                'Test-CISynapsePrerequisite -StorageAccountResourceId ', 'Get-CISynapseWorkspace -Name ') {
                Complete $line | Should -BeNullOrEmpty -Because $line
            }
            $Error.Count | Should -Be $errorsBefore
            Get-CISynapseEmulatorRequestCount -Stack $Stack | Should -Be 0
        }

        It 'offers nothing and writes no error when Resource Manager fails' {
            Set-CISynapseEmulatorFault -Stack $Stack -Kind 500
            try {
                $errorsBefore = $Error.Count
                Complete 'New-CISynapseConnection -SubscriptionId ' | Should -BeNullOrEmpty
                Complete "New-CISynapseConnection -StorageAccountResourceId $LakeId -Container " | Should -BeNullOrEmpty
                $Error.Count | Should -Be $errorsBefore
            }
            finally {
                Set-CISynapseEmulatorFault -Stack $Stack -Clear
            }
        }
    }

    Context 'Get-CISynapseWorkspace' {
        It 'lists the workspaces the account can read with their default data lake, managed identity and hierarchical namespace' {
            $workspaces = @(Get-CISynapseWorkspace)

            $workspaces.Name | Should -Be @('ws-ci-export', 'ws-ci-marketing', 'ws-fab-lake')
            $export = $workspaces[0]
            $export.SubscriptionId | Should -Be $SubA
            $export.SubscriptionName | Should -Be 'Contoso Analytics'
            $export.ResourceGroupName | Should -Be 'rg-ci-synapse'
            $export.DefaultDataLakeStorageAccountName | Should -Be 'cisynapselake'
            $export.DefaultDataLakeStorageAccountResourceId | Should -Be $LakeId
            $export.DefaultDataLakeStorageFilesystem | Should -Be 'customerinsights'
            $export.DefaultDataLakeStorageIsHnsEnabled | Should -BeTrue
            $export.ManagedIdentityPrincipalId | Should -Be 'a1b2c3d4-0000-4000-8000-000000000033'
            $export | Should -BeOfType 'CustomerInsightsSynapse.Models.CISynapseWorkspace'
        }

        It 'narrows by subscription, resource group and name with wildcards' {
            @(Get-CISynapseWorkspace -SubscriptionId $SubA).Name | Should -Be @('ws-ci-export', 'ws-ci-marketing')
            @(Get-CISynapseWorkspace -SubscriptionId $SubA -ResourceGroupName rg-ci-other).Name | Should -Be @('ws-ci-marketing')
            @(Get-CISynapseWorkspace -Name 'ws-f*', 'WS-CI-EXPORT').Name | Should -Be @('ws-ci-export', 'ws-fab-lake')
        }

        It 'reports a name that matches nothing as WorkspaceNotFound, and an unreadable subscription as SubscriptionNotFound' {
            { Get-CISynapseWorkspace -Name 'ws-fab-private' -ErrorAction Stop } | Should -Throw -ErrorId 'WorkspaceNotFound,*'
            { Get-CISynapseWorkspace -SubscriptionId $SubHidden -ErrorAction Stop } | Should -Throw -ErrorId 'SubscriptionNotFound,*'
            Get-CISynapseWorkspace -Name 'nothing*' | Should -BeNullOrEmpty
        }

        It 'fits a table in 80 columns' {
            $table = Get-CISynapseWorkspace | Format-Table | Out-String -Width 80
            $table | Should -Match 'ws-ci-export\s+rg-ci-synapse\s+cisynapselake/customerinsights\s+True'
            $table -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        }

        It 'pipes into New-CISynapseConnection, which creates a working connection' {
            $connection = Get-CISynapseWorkspace -Name ws-ci-export | New-CISynapseConnection

            $connection.Name | Should -Be 'ws-ci-export'
            $connection.Validated | Should -BeTrue
            $connection.WorkspaceResourceId | Should -Be "/subscriptions/$SubA/resourceGroups/rg-ci-synapse/providers/Microsoft.Synapse/workspaces/ws-ci-export"
            $connection.StorageAccountResourceId | Should -Be $LakeId
            $connection.Container | Should -Be 'customerinsights'
            $failed = @(Test-CISynapsePrerequisite -ConnectionName ws-ci-export | Where-Object Status -EQ 'Failed')
            $failed | Should -BeNullOrEmpty -Because ($failed | Out-String)
        }

        It 'takes a connection name and another container instead of the defaults' {
            $connection = Get-CISynapseWorkspace -Name ws-ci-export | New-CISynapseConnection -Name Sales -Container exports
            $connection.Name | Should -Be 'Sales'
            $connection.Container | Should -Be 'exports'
            $connection.Validated | Should -BeTrue
        }
    }
}
