# Test-CISynapsePrerequisite and Repair-CISynapsePrerequisite against the Azure emulator: the prepared tenant passes,
# each documented requirement taken away fails exactly its check, effective access (groups, parent scopes, custom
# roles, deny and conditional assignments), Unknown instead of Passed when something cannot be read, repairs, and the
# three rounds of requests. One stack per file; each test swaps the scenario through the admin API.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:NoEmulator = -not (Get-Command Start-CISynapseTestStack -ErrorAction Ignore)

    # The Change blocks run inside the tests, where the helpers and ids of BeforeAll ($Sp, Remove-Assignment, ...) exist.
    $script:MissingOne = @(
        @{ Requirement = 'Storage Blob Data Contributor for the Customer Insights service principal'; CheckId = 'ServicePrincipalStorageAccess'
            Change = { param($s) Remove-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*' } }
        @{ Requirement = 'Storage Blob Data Contributor for the user'; CheckId = 'UserStorageAccess'
            Change = { param($s) Remove-Assignment $s 'User: Storage Blob Data Contributor*' } }
        @{ Requirement = 'Storage Blob Data Contributor for the workspace managed identity'; CheckId = 'WorkspaceIdentityStorageAccess'
            Change = { param($s) Remove-Assignment $s 'Workspace managed identity*' } }
        @{ Requirement = 'Reader on the resource group for the service principal'; CheckId = 'ServicePrincipalResourceGroupReader'
            Change = { param($s) Remove-Assignment $s 'Customer Insights service principal: Reader*' } }
        # The signed-in user must be able to read everything to test anything, so this one is about a user named with -UserObjectId.
        @{ Requirement = 'Reader on the resource group for the user'; CheckId = 'UserResourceGroupReader'; UseOtherUser = $true
            Change = { param($s) Add-OtherUser $s -Reader:$false } }
        @{ Requirement = 'Synapse Administrator for the service principal'; CheckId = 'ServicePrincipalSynapseAdministrator'
            Change = { param($s) $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $Sp) } }
        @{ Requirement = 'Storage Blob Data Reader for the people who query'; CheckId = 'QueryUserStorageAccess'
            Change = { param($s) Remove-Assignment $s 'Query users (group)*' } }
        @{ Requirement = 'hierarchical namespace'; CheckId = 'HierarchicalNamespace'
            Change = { param($s) $s.storageAccounts[0].isHnsEnabled = $false } }
        @{ Requirement = 'an enabled subscription'; CheckId = 'SubscriptionEnabled'
            Change = { param($s) $s.subscriptions[0].state = 'Disabled' } }
        @{ Requirement = 'the container'; CheckId = 'ContainerExists'
            Change = { param($s) $s.storageAccounts[0].containers = @() } }
        @{ Requirement = 'the storage account linked to the workspace'; CheckId = 'StorageLinkedToWorkspace'
            Change = { param($s) Add-OtherLake $s; $s.synapseWorkspaces[0].defaultDataLakeStorage = @{ accountName = 'otherlake'; filesystem = 'data' } } }
        @{ Requirement = 'a storage firewall rule for the workspace'; CheckId = 'StorageFirewallAllowsWorkspace'
            Change = { param($s) $s.storageAccounts[0].networkAcls.resourceAccessRules = @() } }
        @{ Requirement = 'the AllowAllWindowsAzureIps workspace firewall rule'; CheckId = 'WorkspaceFirewallAllowsAzureServices'
            Change = { param($s) $s.synapseWorkspaces[0].firewallRules = @($s.synapseWorkspaces[0].firewallRules | Where-Object name -NE 'AllowAllWindowsAzureIps') } }
        # Without the service principal its role checks cannot be decided: they are Unknown, never Passed.
        @{ Requirement = 'the Customer Insights service principal'; CheckId = 'ServicePrincipalExists'
            Unknown = @('ServicePrincipalStorageAccess', 'ServicePrincipalResourceGroupReader', 'ServicePrincipalSynapseAdministrator')
            Change = { param($s)
                $s.principals = @($s.principals | Where-Object id -NE $Sp)
                $s.roleAssignments = @($s.roleAssignments | Where-Object principalId -NE $Sp)
                $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $Sp) } }
    )
    $script:Repairable = @($MissingOne | Where-Object { $_.CheckId -like '*StorageAccess' -or $_.CheckId -like '*Reader' -or $_.CheckId -like '*SynapseAdministrator' })
}

Describe 'Prerequisites against the Azure emulator' -Skip:$NoEmulator {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
        $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
        $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect

        $script:Sub = $Prepared.subscriptions[0].subscriptionId
        $script:Rg = $Prepared.synapseWorkspaces[0].resourceGroup
        $script:SubScope = "/subscriptions/$Sub"
        $script:RgScope = "$SubScope/resourceGroups/$Rg"
        $script:AccountId = "$RgScope/providers/Microsoft.Storage/storageAccounts/$($Prepared.storageAccounts[0].name)"
        $script:ContainerScope = "$AccountId/blobServices/default/containers/$($Prepared.storageAccounts[0].containers[0].name)"
        $script:Target = @{
            SubscriptionId = $Sub; WorkspaceResourceGroupName = $Rg; WorkspaceName = $Prepared.synapseWorkspaces[0].name
            StorageAccountResourceId = $AccountId; Container = $Prepared.storageAccounts[0].containers[0].name
        }
        $script:User = 'a1b2c3d4-0000-4000-8000-000000000011'
        $script:Sp = 'a1b2c3d4-0000-4000-8000-000000000022'
        $script:Mi = 'a1b2c3d4-0000-4000-8000-000000000033'
        $script:QueryUser = 'a1b2c3d4-0000-4000-8000-000000000044'
        $script:OtherUser = 'a1b2c3d4-0000-4000-8000-000000000066'
        $script:Group = 'a1b2c3d4-0000-4000-8000-000000000077'
        $script:AllChecks = @(
            'SubscriptionEnabled', 'ContainerExists', 'HierarchicalNamespace', 'StorageLinkedToWorkspace', 'StorageFirewallAllowsWorkspace', 'StorageNetworkAllowsCaller',
            'WorkspaceFirewallAllowsAzureServices', 'WorkspaceFirewallAllowsCaller', 'ServicePrincipalExists', 'ServicePrincipalStorageAccess', 'UserStorageAccess',
            'WorkspaceIdentityStorageAccess', 'ServicePrincipalResourceGroupReader', 'UserResourceGroupReader',
            'ServicePrincipalSynapseAdministrator', 'SynapseAssignmentPrincipalType', 'UserSqlRights', 'QueryUserStorageAccess')
        $script:RoleChecks = @('ServicePrincipalStorageAccess', 'UserStorageAccess', 'WorkspaceIdentityStorageAccess',
            'ServicePrincipalResourceGroupReader', 'UserResourceGroupReader', 'QueryUserStorageAccess')

        function Copy-Scenario { $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable }

        function Remove-Assignment($Scenario, [string] $DescriptionLike) {
            $before = @($Scenario.roleAssignments).Count
            $Scenario.roleAssignments = @($Scenario.roleAssignments | Where-Object { $_.description -notlike $DescriptionLike })
            if (@($Scenario.roleAssignments).Count -ne $before - 1) { throw "Expected exactly one assignment like '$DescriptionLike'." }
        }

        function Get-Assignment($Scenario, [string] $DescriptionLike) {
            $found = @($Scenario.roleAssignments | Where-Object { $_.description -like $DescriptionLike })
            if ($found.Count -ne 1) { throw "Expected exactly one assignment like '$DescriptionLike'." }
            $found[0]
        }

        # A second user, Uma, with Storage Blob Data Contributor on the account and (optionally) Reader on the resource group.
        function Add-OtherUser($Scenario, [switch] $Reader) {
            $Scenario.principals += @{ id = $OtherUser; type = 'User'; displayName = 'Uma Other'; userPrincipalName = 'uma@contoso.example' }
            $Scenario.roleAssignments += @{ description = 'Other user: Storage Blob Data Contributor'; scope = $AccountId; roleName = 'Storage Blob Data Contributor'; principalId = $OtherUser }
            if ($Reader) {
                $Scenario.roleAssignments += @{ description = 'Other user: Reader'; scope = $RgScope; roleName = 'Reader'; principalId = $OtherUser }
            }
        }

        function Add-OtherLake($Scenario) {
            $Scenario.storageAccounts += @{ subscriptionId = $Sub; resourceGroup = $Rg; name = 'otherlake'; location = 'westeurope'; kind = 'StorageV2'
                isHnsEnabled = $true; containers = @(@{ name = 'data' }) }
        }

        function Use-Scenario([scriptblock] $Change) {
            $scenario = Copy-Scenario
            if ($Change) { & $Change $scenario }
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $scenario
        }

        function Invoke-Test([hashtable] $Extra = @{}) {
            $parameters = $Target + @{ QueryUserObjectId = $QueryUser }
            foreach ($key in $Extra.Keys) { $parameters[$key] = $Extra[$key] }
            @(Test-CISynapsePrerequisite @parameters)
        }

        function Get-Status($Results) {
            $map = [ordered]@{}
            foreach ($r in $Results) { $map[$r.CheckId] = $r.Status }
            $map
        }

        # Every check but the named ones passed.
        function Assert-OnlyNotPassed($Results, [hashtable] $Expected) {
            @($Results.CheckId) | Should -Be $AllChecks
            foreach ($r in $Results) {
                $want = if ($Expected.ContainsKey($r.CheckId)) { $Expected[$r.CheckId] } else { 'Passed' }
                "$($r.CheckId)=$($r.Status)" | Should -Be "$($r.CheckId)=$want" -Because $r.Reason
            }
        }

        function Get-EmulatorState { Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'state' }
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
        Disconnect-CISynapseAccount
        Remove-Item Env:CISYNAPSE_PRINCIPAL_RETRY_SECONDS -ErrorAction Ignore
    }

    AfterEach {
        Set-CISynapseEmulatorLatency -Stack $Stack -Milliseconds 0
        Remove-Item Env:CISYNAPSE_PRINCIPAL_RETRY_SECONDS -ErrorAction Ignore
    }

    Context 'Test-CISynapsePrerequisite' {
        It 'passes every check for the prepared tenant, with principals and fixes filled in' {
            Use-Scenario

            $results = Invoke-Test

            Assert-OnlyNotPassed $results @{}
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').ObjectId | Should -Be $Sp
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Principal.Kind | Should -Be 'ServicePrincipal'
            ($results | Where-Object CheckId -EQ 'UserStorageAccess').ObjectId | Should -Be $User
            ($results | Where-Object CheckId -EQ 'WorkspaceIdentityStorageAccess').ObjectId | Should -Be $Mi
            ($results | Where-Object CheckId -EQ 'QueryUserStorageAccess').ObjectId | Should -Be $QueryUser
            ($results | Where-Object CheckId -EQ 'UserStorageAccess').Principal.DisplayName | Should -Be 'Dana Admin'
            ($results | Where-Object CheckId -EQ 'QueryUserStorageAccess').Principal.DisplayName | Should -Be 'Quinn Query'
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Principal.DisplayName | Should -Be 'Dynamics 365 AI for Customer Insights'
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*Storage Blob Data Contributor*'
            $results | ForEach-Object { $_.CanRepair | Should -BeFalse }
            $results[0].PSObject.TypeNames[0] | Should -Be 'CustomerInsightsSynapse.Models.CISynapsePrerequisiteResult'
        }

        It 'passes for a user named with -UserObjectId who has both roles' {
            Use-Scenario { param($s) Add-OtherUser $s -Reader }
            # The SQL rights are probed with the signed-in token only, so another user's are Unknown.
            Assert-OnlyNotPassed (Invoke-Test @{ UserObjectId = $OtherUser }) @{ UserSqlRights = 'Unknown' }
        }

        It 'a tenant missing only <Requirement> fails <CheckId> and nothing else' -ForEach $MissingOne {
            Use-Scenario $Change
            $extra = if ($UseOtherUser) { @{ UserObjectId = $OtherUser } } else { @{} }

            $results = Invoke-Test $extra

            $expected = @{ $CheckId = 'Failed' }
            foreach ($id in @($Unknown | Where-Object { $_ })) { $expected[$id] = 'Unknown' }
            if ($UseOtherUser) { $expected['UserSqlRights'] = 'Unknown' }
            Assert-OnlyNotPassed $results $expected
            $failed = $results | Where-Object CheckId -EQ $CheckId
            $failed.Reason | Should -Not -BeNullOrEmpty
            $failed.Remediation | Should -Not -BeNullOrEmpty
            foreach ($id in @($Unknown | Where-Object { $_ })) { ($results | Where-Object CheckId -EQ $id).Reason | Should -BeLike "*see $CheckId*" }
        }

        It 'names the fix as an Az command line and says Repair can apply it' {
            Use-Scenario { param($s) Remove-Assignment $s 'Workspace managed identity*' }
            $failed = Invoke-Test | Where-Object CheckId -EQ 'WorkspaceIdentityStorageAccess'
            $failed.CanRepair | Should -BeTrue
            $failed.Remediation | Should -BeLike "New-AzRoleAssignment -ObjectId '$Mi' -RoleDefinitionName 'Storage Blob Data Contributor' -Scope '$AccountId'*Repair-CISynapsePrerequisite can do this*"
            $failed.Reason | Should -Be 'No role assignment applies.'
        }

        It 'passes when the storage account is a linked service of the workspace rather than its default lake' {
            Use-Scenario { param($s)
                Add-OtherLake $s
                $s.synapseWorkspaces[0].defaultDataLakeStorage = @{ accountName = 'otherlake'; filesystem = 'data' }
                $s.synapseWorkspaces[0].linkedServices = @(@{ name = 'CustomerInsightsLake'; type = 'AzureBlobFS'; accountName = 'cisynapselake' })
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{}
            ($results | Where-Object CheckId -EQ 'StorageLinkedToWorkspace').Reason | Should -BeLike "*'CustomerInsightsLake'*"
        }

        It 'passes when the service principal has its roles only through a group' {
            Use-Scenario { param($s)
                $s.principals += @{ id = $Group; type = 'Group'; displayName = 'CI services'; members = @($Sp) }
                (Get-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*').principalId = $Group
                (Get-Assignment $s 'Customer Insights service principal: Reader*').principalId = $Group
                $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $Sp) +
                    @(@{ roleName = 'Synapse Administrator'; principalId = $Group; principalType = 'Group' })
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{}
            ($results | Where-Object CheckId -EQ 'ServicePrincipalSynapseAdministrator').Reason | Should -BeLike "*through group $Group*"
        }

        It '<Outcome> when Storage Blob Data Contributor is given on the <Name>' -ForEach @(
            @{ Name = 'subscription'; Scope = { $SubScope }; Outcome = 'passes'; Status = 'Passed' }
            @{ Name = 'resource group'; Scope = { $RgScope }; Outcome = 'passes'; Status = 'Passed' }
            # The documentation asks for the account: the container alone works for this container, so it is a warning.
            @{ Name = 'container only'; Scope = { $ContainerScope }; Outcome = 'warns'; Status = 'Warning' }
        ) {
            $scope = & $Scope
            Use-Scenario { param($s)
                (Get-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*').scope = $scope
                (Get-Assignment $s 'Workspace managed identity*').scope = $scope
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ ServicePrincipalStorageAccess = $Status; WorkspaceIdentityStorageAccess = $Status }
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike "*at $scope*"
            if ($Status -eq 'Warning') {
                ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*below the storage account, where the documentation asks for Storage Blob Data Contributor*'
                ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Remediation | Should -BeLike "New-AzRoleAssignment -ObjectId '$Sp' -RoleDefinitionName 'Storage Blob Data Contributor' -Scope '$AccountId'*"
            }
        }

        It 'passes for a query group, through its own assignment and through a group it is in' {
            Use-Scenario { param($s)
                $s.principals += @{ id = $Group; type = 'Group'; displayName = 'Analysts' }
                ($s.principals | Where-Object id -EQ 'a1b2c3d4-0000-4000-8000-000000000055').members += $Group
            }
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            $results = Invoke-Test @{ QueryUserObjectId = @('a1b2c3d4-0000-4000-8000-000000000055', $Group) }

            $query = @($results | Where-Object CheckId -EQ 'QueryUserStorageAccess')
            $query.Count | Should -Be 2
            $query | ForEach-Object { $_.Status | Should -Be 'Passed' -Because $_.Reason }
            $query[1].Title | Should -BeLike "Query group $Group*"
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object status -GE 400) | Should -BeNullOrEmpty
        }

        It 'fails the Synapse Administrator check when the role is on a Spark pool only' {
            Use-Scenario { param($s) ($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -EQ $Sp).scope = 'workspaces/ws-ci-export/bigDataPools/sparkpool1' }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ ServicePrincipalSynapseAdministrator = 'Failed' }
            $failed = $results | Where-Object CheckId -EQ 'ServicePrincipalSynapseAdministrator'
            $failed.Reason | Should -BeLike "*assigned only at 'workspaces/ws-ci-export/bigDataPools/sparkpool1'*"
            $failed.CanRepair | Should -BeTrue
        }

        It 'tells a caller without any Synapse role to ask for Synapse User' {
            Use-Scenario { param($s) $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $User) }
            $results = Invoke-Test
            # Without a Synapse role the user is not sysadmin of serverless SQL either.
            Assert-OnlyNotPassed $results @{ ServicePrincipalSynapseAdministrator = 'Unknown'; SynapseAssignmentPrincipalType = 'Unknown'; UserSqlRights = 'Failed' }
            $unknown = $results | Where-Object CheckId -EQ 'ServicePrincipalSynapseAdministrator'
            $unknown.Reason | Should -BeLike '*needs a Synapse RBAC role*Synapse User is the least*'
            $unknown.Remediation | Should -BeLike "*New-AzSynapseRoleAssignment -WorkspaceName 'ws-ci-export' -RoleDefinitionId '2a385764-43e8-416c-9825-7b18d05a2c4b' -ObjectId '$User'*"
        }

        It 'passes when the linked service gives the account <Name>' -ForEach @(
            @{ Name = 'in an Expression url'; Link = @{ name = 'CustomerInsightsLake'; type = 'AzureBlobFS'; accountName = 'cisynapselake'; urlAsExpression = $true } }
            @{ Name = 'in a connection string only'; Link = @{ name = 'CustomerInsightsLake'; type = 'AzureBlobStorage'
                    connectionString = 'DefaultEndpointsProtocol=https;AccountName=cisynapselake;EndpointSuffix=core.windows.net' } }
        ) {
            Use-Scenario { param($s)
                Add-OtherLake $s
                $s.synapseWorkspaces[0].defaultDataLakeStorage = @{ accountName = 'otherlake'; filesystem = 'data' }
                $s.synapseWorkspaces[0].linkedServices = @($Link)
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{}
            ($results | Where-Object CheckId -EQ 'StorageLinkedToWorkspace').Reason | Should -BeLike "*'CustomerInsightsLake'*"
        }

        It 'passes with a custom role whose data actions are Microsoft.Storage/*/blobs/*' {
            Use-Scenario { param($s)
                $s.roleDefinitions = @(@{ id = '9f0e0000-1111-4222-8333-444455556666'; roleName = 'Lake writer'; assignableScopes = @($SubScope)
                    permissions = @(@{ actions = @(); notActions = @(); dataActions = @('Microsoft.Storage/*/blobs/*'); notDataActions = @() }) })
                $a = Get-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*'
                $a.Remove('roleName'); $a.roleDefinitionId = '9f0e0000-1111-4222-8333-444455556666'
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{}
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*Lake writer*'
        }

        It 'fails a custom role whose notDataActions take away blob deletes' {
            Use-Scenario { param($s)
                $s.roleDefinitions = @(@{ id = '9f0e0000-1111-4222-8333-444455557777'; roleName = 'Lake writer without delete'; assignableScopes = @($SubScope)
                    permissions = @(@{ dataActions = @('Microsoft.Storage/*/blobs/*'); notDataActions = @('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete') }) })
                $a = Get-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*'
                $a.Remove('roleName'); $a.roleDefinitionId = '9f0e0000-1111-4222-8333-444455557777'
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ ServicePrincipalStorageAccess = 'Failed' }
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*blobs/delete*'
        }

        It 'fails the storage check for Owner alone (a control-plane role gives no data access)' {
            Use-Scenario { param($s)
                $a = Get-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*'
                $a.roleName = 'Owner'
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ ServicePrincipalStorageAccess = 'Failed' }
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*Owner*do not grant*'
        }

        It 'fails the storage checks a deny assignment blocks, and Repair cannot fix them' {
            Use-Scenario { param($s)
                $s.denyAssignments = @(@{ denyAssignmentName = 'Block blob writes'; scope = $SubScope
                    permissions = @(@{ dataActions = @('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write') })
                    principals = @(@{ id = '00000000-0000-0000-0000-000000000000'; type = 'SystemDefined' }) })
            }
            $results = Invoke-Test
            # The query users only read, which the deny assignment leaves alone.
            Assert-OnlyNotPassed $results @{ ServicePrincipalStorageAccess = 'Failed'; UserStorageAccess = 'Failed'; WorkspaceIdentityStorageAccess = 'Failed' }
            $denied = $results | Where-Object CheckId -EQ 'UserStorageAccess'
            $denied.Reason | Should -BeLike "*'Block blob writes' blocks*blobs/write*"
            $denied.CanRepair | Should -BeFalse
        }

        It 'ignores a deny assignment on a parent scope that does not apply to child scopes' {
            Use-Scenario { param($s)
                $s.denyAssignments = @(@{ denyAssignmentName = 'Subscription only'; scope = $SubScope; doNotApplyToChildScopes = $true
                    permissions = @(@{ dataActions = @('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write') })
                    principals = @(@{ id = '00000000-0000-0000-0000-000000000000'; type = 'SystemDefined' }) })
            }
            Assert-OnlyNotPassed (Invoke-Test) @{}
        }

        It 'gives Unknown, not Passed, for a role granted only with a condition' {
            Use-Scenario { param($s)
                $a = Get-Assignment $s 'Customer Insights service principal: Storage Blob Data Contributor*'
                $a.condition = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:ContainerName] StringEqualsIgnoreCase 'customerinsights'"
                $a.conditionVersion = '2.0'
            }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ ServicePrincipalStorageAccess = 'Unknown' }
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*condition*not evaluated*'
        }

        It 'gives Unknown, never Passed, for every role check when the caller cannot read role assignments' {
            Use-Scenario { param($s)
                Remove-Assignment $s 'User: User Access Administrator*'
                Remove-Assignment $s 'User: Reader*'
                $s.roleDefinitions = @(@{ id = '9f0e0000-1111-4222-8333-444455558888'; roleName = 'Reader without authorization'; assignableScopes = @($SubScope)
                    permissions = @(@{ actions = @('*/read'); notActions = @('Microsoft.Authorization/*/read') }) })
                $s.roleAssignments += @{ description = 'User: reads everything but role assignments'; scope = $SubScope; roleDefinitionId = '9f0e0000-1111-4222-8333-444455558888'; principalId = $User }
            }
            $results = Invoke-Test
            $expected = @{}
            foreach ($id in $RoleChecks) { $expected[$id] = 'Unknown' }
            Assert-OnlyNotPassed $results $expected
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Reason | Should -BeLike '*could not be listed*AuthorizationFailed*'
        }

        It 'gives Unknown for the service principal when Graph refuses, with the -ServicePrincipalObjectId hint' {
            Use-Scenario { param($s) $s.options.graphForbidden = $true }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ ServicePrincipalExists = 'Unknown'; ServicePrincipalStorageAccess = 'Unknown'
                ServicePrincipalResourceGroupReader = 'Unknown'; ServicePrincipalSynapseAdministrator = 'Unknown' }
            ($results | Where-Object CheckId -EQ 'ServicePrincipalExists').Reason | Should -BeLike '*-ServicePrincipalObjectId*'
            ($results | Where-Object CheckId -EQ 'ServicePrincipalStorageAccess').Remediation | Should -BeLike '*-ServicePrincipalObjectId*'
        }

        It 'passes with -ServicePrincipalObjectId when Graph refuses' {
            Use-Scenario { param($s) $s.options.graphForbidden = $true }
            Assert-OnlyNotPassed (Invoke-Test @{ ServicePrincipalObjectId = $Sp }) @{}
        }

        It 'warns about a Synapse administrator assignment without principalType' {
            Use-Scenario { param($s) ($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -EQ $Sp).principalType = $null }
            $results = Invoke-Test
            Assert-OnlyNotPassed $results @{ SynapseAssignmentPrincipalType = 'Warning' }
            ($results | Where-Object CheckId -EQ 'SynapseAssignmentPrincipalType').Reason | Should -BeLike "*$Sp (Synapse Administrator)*"
        }

        It 'reads every page of the Synapse role assignments (x-ms-continuation) and of Resource Manager lists (nextLink)' {
            Use-Scenario { param($s)
                $s.options.pageSize = 1
                $ws = $s.synapseWorkspaces[0]
                $spAssignment = $ws.roleAssignments | Where-Object principalId -EQ $Sp
                $spAssignment.principalType = $null
                $ws.roleAssignments = @($ws.roleAssignments | Where-Object principalId -NE $Sp) + @($spAssignment)
            }
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            $results = Invoke-Test

            # The service principal's assignment is on the last page: found, and its missing principalType seen.
            Assert-OnlyNotPassed $results @{ SynapseAssignmentPrincipalType = 'Warning' }
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object route -EQ 'GET synapse roleAssignments').Count | Should -Be 3
        }

        It '-Quiet returns a single <Expected>' -ForEach @(
            @{ Expected = $true; Change = $null }
            @{ Expected = $false; Change = { param($s) Remove-Assignment $s 'Workspace managed identity*' } }
        ) {
            Use-Scenario $Change
            $parameters = $Target + @{ Quiet = $true }
            $answer = @(Test-CISynapsePrerequisite @parameters)
            $answer.Count | Should -Be 1
            $answer[0] | Should -BeOfType [bool]
            $answer[0] | Should -Be $Expected
        }
    }

    Context 'Repair-CISynapsePrerequisite' {
        It 'repairs a tenant missing <Requirement>: creates one assignment with principalType and a deterministic name, then Test passes' -ForEach $Repairable {
            Use-Scenario $Change
            $extra = if ($UseOtherUser) { @{ UserObjectId = $OtherUser } } else { @{} }
            $parameters = $Target + @{ QueryUserObjectId = $QueryUser } + $extra
            $failing = @(Invoke-Test $extra | Where-Object Status -EQ 'Failed')
            $failing.CheckId | Should -Be $CheckId
            $failing[0].CanRepair | Should -BeTrue

            $repaired = @(Repair-CISynapsePrerequisite @parameters -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue)

            $repaired.Count | Should -Be 1
            $repaired[0].CheckId | Should -Be $CheckId
            $repaired[0].Status | Should -Be 'Created'
            $repaired[0].ObjectId | Should -Be $failing[0].ObjectId
            # Name-based (version 5 layout) GUID from scope, role and principal.
            $repaired[0].AssignmentName | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
            "$warnings" | Should -BeLike '*can take up to 10 minutes*'
            $state = Get-EmulatorState
            if ($repaired[0].Kind -eq 'SynapseRoleAssignment') {
                $made = @($state.synapseWorkspaces[0].roleAssignments | Where-Object id -EQ $repaired[0].AssignmentName)
                $made.Count | Should -Be 1
                $made[0].roleId | Should -Be '6e4bf58a-b8e1-4cc3-bbf9-d73143322b78'
            } else {
                $made = @($state.roleAssignments | Where-Object name -EQ $repaired[0].AssignmentName)
                $made.Count | Should -Be 1
                $made[0].scope | Should -Be $repaired[0].Scope
                $made[0].roleDefinitionId | Should -BeLike "*/$($repaired[0].RoleDefinitionId)"
            }
            $made[0].principalId | Should -Be $failing[0].ObjectId
            $made[0].principalType | Should -Be $repaired[0].PrincipalType
            $made[0].principalType | Should -BeIn @('User', 'ServicePrincipal')

            Assert-OnlyNotPassed (Invoke-Test $extra) $(if ($UseOtherUser) { @{ UserSqlRights = 'Unknown' } } else { @{} })

            # Twice: nothing is failing any more, so nothing is done; the old results give AlreadyExisted.
            $count = @($state.roleAssignments).Count + @($state.synapseWorkspaces[0].roleAssignments).Count
            @(Repair-CISynapsePrerequisite @parameters -Confirm:$false) | Should -BeNullOrEmpty
            $again = @($failing | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue)
            $again.Status | Should -Be 'AlreadyExisted'
            $again.AssignmentName | Should -Be $repaired[0].AssignmentName
            $after = Get-EmulatorState
            @($after.roleAssignments).Count + @($after.synapseWorkspaces[0].roleAssignments).Count | Should -Be $count
        }

        It 'repairs a query <Kind> with principalType <Kind> (from the directory, not the check)' -ForEach @(
            @{ Kind = 'ServicePrincipal'; Id = 'a1b2c3d4-0000-4000-8000-000000000088' }
            @{ Kind = 'Group'; Id = 'a1b2c3d4-0000-4000-8000-000000000089' }
        ) {
            Use-Scenario { param($s) $s.principals += @{ id = $Id; type = $Kind; displayName = "Query $Kind" } }
            $parameters = $Target + @{ QueryUserObjectId = $Id }

            $repaired = @(Repair-CISynapsePrerequisite @parameters -Confirm:$false -WarningAction SilentlyContinue)

            $repaired.CheckId | Should -Be 'QueryUserStorageAccess'
            $repaired.Status | Should -Be 'Created' -Because $repaired.Message
            $repaired.PrincipalType | Should -Be $Kind
            @((Get-EmulatorState).roleAssignments | Where-Object principalId -EQ $Id).principalType | Should -Be $Kind
            Assert-OnlyNotPassed (Invoke-Test @{ QueryUserObjectId = $Id }) @{}
        }

        It 'reports a 409 that is not RoleAssignmentExists (a disabled, read-only subscription) as Failed' {
            Use-Scenario { param($s) Remove-Assignment $s 'Workspace managed identity*' }
            $failing = @(Invoke-Test | Where-Object Status -EQ 'Failed')
            Use-Scenario { param($s) Remove-Assignment $s 'Workspace managed identity*'; $s.subscriptions[0].state = 'Disabled' }

            $result = @($failing | Repair-CISynapsePrerequisite -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

            $result.Status | Should -Be 'Failed'
            $result.Message | Should -BeLike '*ReadOnlyDisabledSubscription*'
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'RepairFailed,*'
        }

        It 're-tests with -Wait until the repaired checks pass' {
            Use-Scenario { param($s) Remove-Assignment $s 'User: Storage Blob Data Contributor*' }
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            $output = Repair-CISynapsePrerequisite @Target -Wait -WaitTimeoutSeconds 60 -Confirm:$false -Verbose -WarningVariable warnings 4>&1

            @($output | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Status | Should -Be 'Created'
            @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -eq 'Every repaired check now passes.' }).Count | Should -Be 1
            $warnings | Should -BeNullOrEmpty
            # One test before the repair, one after it.
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object route -EQ 'GET workspace').Count | Should -Be 2
        }

        It 'changes nothing with -WhatIf' {
            Use-Scenario { param($s)
                Remove-Assignment $s 'Workspace managed identity*'
                $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $Sp)
            }
            $before = Get-EmulatorState | ConvertTo-Json -Depth 32
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            $output = @(Repair-CISynapsePrerequisite @Target -WhatIf)

            $output | Should -BeNullOrEmpty
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object method -In 'PUT', 'PATCH', 'DELETE') | Should -BeNullOrEmpty
            Get-EmulatorState | ConvertTo-Json -Depth 32 | Should -Be $before
            @(Invoke-Test | Where-Object Status -NE 'Passed').CheckId | Should -Be @('WorkspaceIdentityStorageAccess', 'ServicePrincipalSynapseAdministrator')
        }

        It 'retries PrincipalNotFound while a new principal replicates (CISYNAPSE_PRINCIPAL_RETRY_SECONDS)' {
            Use-Scenario { param($s)
                Remove-Assignment $s 'Workspace managed identity*'
                ($s.principals | Where-Object id -EQ $Mi).principalNotFoundForFirstPuts = 2
            }
            $env:CISYNAPSE_PRINCIPAL_RETRY_SECONDS = '0.2,0.2,0.2'
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            $repaired = Repair-CISynapsePrerequisite @Target -Confirm:$false -WarningAction SilentlyContinue -Verbose 4>&1
            $verbose = @($repaired | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $result = @($repaired | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })

            $result.Status | Should -Be 'Created'
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack | Where-Object route -EQ 'PUT roleAssignment').status | Should -Be @(400, 400, 201)
            @($verbose | Where-Object Message -Like '*not yet known*').Count | Should -Be 2
            Assert-OnlyNotPassed (Invoke-Test) @{}
        }

        It 'reports RepairFailed when the principal is still unknown after the last retry' {
            Use-Scenario { param($s)
                Remove-Assignment $s 'Workspace managed identity*'
                ($s.principals | Where-Object id -EQ $Mi).principalNotFoundForFirstPuts = 5
            }
            $env:CISYNAPSE_PRINCIPAL_RETRY_SECONDS = '0.1'

            $result = @(Repair-CISynapsePrerequisite @Target -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

            $result.Status | Should -Be 'Failed'
            $result.Message | Should -BeLike '*PrincipalNotFound*'
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'RepairFailed,*'
            @((Get-EmulatorState).roleAssignments | Where-Object principalId -EQ $Mi) | Should -BeNullOrEmpty
        }

        It 'stops at a malformed CISYNAPSE_PRINCIPAL_RETRY_SECONDS with InvalidPrincipalRetrySetting before any request' {
            Use-Scenario { param($s) Remove-Assignment $s 'Workspace managed identity*' }
            $env:CISYNAPSE_PRINCIPAL_RETRY_SECONDS = '5,soon'
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            { Repair-CISynapsePrerequisite @Target -Confirm:$false } | Should -Throw -ErrorId 'InvalidPrincipalRetrySetting*'
            @(Get-CISynapseEmulatorRequestLog -Stack $Stack) | Should -BeNullOrEmpty
        }

        It 'repairs what Test-CISynapsePrerequisite pipes into it' {
            Use-Scenario { param($s)
                Remove-Assignment $s 'Workspace managed identity*'
                Remove-Assignment $s 'Customer Insights service principal: Reader*'
            }
            $repaired = @(Test-CISynapsePrerequisite @Target | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue)
            @($repaired.CheckId | Sort-Object) | Should -Be @('ServicePrincipalResourceGroupReader', 'WorkspaceIdentityStorageAccess')
            $repaired.Status | Should -Be @('Created', 'Created')
            Assert-OnlyNotPassed (Invoke-Test) @{}
        }

        It 'works with a stored connection: -ConnectionName and Get-CISynapseConnection from the pipeline' {
            Use-Scenario { param($s) Remove-Assignment $s 'Workspace managed identity*' }
            Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
            try {
                $null = New-CISynapseConnection -Name 'Sales' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Target.WorkspaceName `
                    -StorageAccountName $Prepared.storageAccounts[0].name -Container $Target.Container

                $byName = @(Test-CISynapsePrerequisite -ConnectionName 'Sales')
                $piped = @(Get-CISynapseConnection -Name 'Sales' | Test-CISynapsePrerequisite)
                @($byName | Where-Object Status -NE 'Passed').CheckId | Should -Be 'WorkspaceIdentityStorageAccess'
                @($piped | Where-Object Status -NE 'Passed').CheckId | Should -Be 'WorkspaceIdentityStorageAccess'
                $piped.Count | Should -Be 17

                # Repair binds a piped connection by property name too (-WhatIf: the PUT comes next, by name).
                Reset-CISynapseEmulatorRequestLog -Stack $Stack
                @(Get-CISynapseConnection -Name 'Sales' | Repair-CISynapsePrerequisite -WhatIf) | Should -BeNullOrEmpty
                @(Get-CISynapseEmulatorRequestLog -Stack $Stack).Count | Should -BeGreaterThan 10

                $repaired = @(Repair-CISynapsePrerequisite -ConnectionName 'Sales' -Confirm:$false -WarningAction SilentlyContinue)
                $repaired.CheckId | Should -Be 'WorkspaceIdentityStorageAccess'
                $repaired.Status | Should -Be 'Created'
                Test-CISynapsePrerequisite 'Sales' -Quiet | Should -BeTrue

                { Test-CISynapsePrerequisite -ConnectionName 'Nope' -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionNotFound*'
            } finally {
                Set-CISynapseStore -Default
            }
        }
    }

    Context 'Requests' {
        BeforeAll {
            # The longest run of requests each of which started after the previous one ended: how many rounds a
            # run needed. With a latency on every request, concurrent requests overlap and cannot chain.
            function Measure-SequentialRound($Entries) {
                $sorted = @($Entries | Sort-Object { [DateTimeOffset]$_.started })
                $chain = [int[]]::new($sorted.Count)
                $longest = 0
                for ($i = 0; $i -lt $sorted.Count; $i++) {
                    $chain[$i] = 1
                    for ($j = 0; $j -lt $i; $j++) {
                        if ([DateTimeOffset]$sorted[$i].started -ge [DateTimeOffset]$sorted[$j].ended -and $chain[$j] + 1 -gt $chain[$i]) { $chain[$i] = $chain[$j] + 1 }
                    }
                    $longest = [Math]::Max($longest, $chain[$i])
                }
                $longest
            }
        }

        It 'needs at most 3 rounds and reads each role definition once, for <Name>' -ForEach @(
            @{ Name = 'the prepared tenant'; Change = $null }
            @{ Name = 'a storage account that is only a linked service'; Change = { param($s)
                    Add-OtherLake $s
                    $s.synapseWorkspaces[0].defaultDataLakeStorage = @{ accountName = 'otherlake'; filesystem = 'data' }
                    $s.synapseWorkspaces[0].linkedServices = @(@{ name = 'CustomerInsightsLake'; type = 'AzureBlobFS'; accountName = 'cisynapselake' }) } }
            @{ Name = 'roles through groups and a custom role'; Change = { param($s)
                    $s.principals += @{ id = $Group; type = 'Group'; displayName = 'CI services'; members = @($Sp, $Mi) }
                    (Get-Assignment $s 'Workspace managed identity*').principalId = $Group
                    $s.roleDefinitions = @(@{ id = '9f0e0000-1111-4222-8333-444455556666'; roleName = 'Lake writer'; assignableScopes = @($SubScope)
                        permissions = @(@{ dataActions = @('Microsoft.Storage/*/blobs/*') }) })
                    $s.roleAssignments += @{ scope = $ContainerScope; roleDefinitionId = '9f0e0000-1111-4222-8333-444455556666'; principalId = $Group } } }
        ) {
            Use-Scenario $Change
            Set-CISynapseEmulatorLatency -Stack $Stack -Milliseconds 300
            Reset-CISynapseEmulatorRequestLog -Stack $Stack

            $results = Invoke-Test
            $log = @(Get-CISynapseEmulatorRequestLog -Stack $Stack)

            Assert-OnlyNotPassed $results @{}
            $log.Count | Should -BeGreaterThan 15
            Measure-SequentialRound $log | Should -BeLessOrEqual 3
            $definitions = @($log | Where-Object route -EQ 'GET roleDefinition')
            $definitions.Count | Should -BeGreaterThan 2
            $definitions | Group-Object path | ForEach-Object { "$($_.Name) x $($_.Count)" | Should -Be "$($_.Name) x 1" }
        }

        It 'counts a sequential chain as rounds (the measure itself can fail)' {
            $t0 = [DateTimeOffset]::UtcNow
            $entries = 0..4 | ForEach-Object { [pscustomobject]@{ started = $t0.AddMilliseconds(300 * $_); ended = $t0.AddMilliseconds(300 * $_ + 250) } }
            Measure-SequentialRound $entries | Should -Be 5
            $overlapping = 0..4 | ForEach-Object { [pscustomobject]@{ started = $t0.AddMilliseconds(10 * $_); ended = $t0.AddMilliseconds(300) } }
            Measure-SequentialRound $overlapping | Should -Be 1
        }
    }
}
