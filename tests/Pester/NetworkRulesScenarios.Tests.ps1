# The scenario family of issue 18, as a user meets it: for each way a tenant can stop an export (the workspace
# firewall, public network access, serverless SQL rights, a Synapse Administrator assignment on a Spark pool only,
# storage network rules), Test-CISynapsePrerequisite names the check and the fix, Repair-CISynapsePrerequisite repairs
# what it safely can, and Invoke-CISynapseExport stops with the ErrorIds and messages the user sees.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:NoEmulator = -not (Get-Command Start-CISynapseTestStack -ErrorAction Ignore)
}

Describe 'Network rules, firewall and SQL rights' -Skip:$NoEmulator {
    BeforeAll {
        Import-Module $env:CISYNAPSE_TEST_MODULE -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
        Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
        $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
        $script:Stack = Start-CISynapseTestStack -Scenario $Prepared -FaultyStorage
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect | Out-Null
        $account = $Prepared.storageAccounts[0]
        $script:AccountName = $account.name
        $workspace = $Prepared.synapseWorkspaces[0]
        $script:User = $Prepared.signedInUser
        $script:Sp = 'a1b2c3d4-0000-4000-8000-000000000022'
        $script:Target = @{
            SubscriptionId = $workspace.subscriptionId; WorkspaceResourceGroupName = $workspace.resourceGroup; WorkspaceName = $workspace.name; Container = $account.containers[0].name
            StorageAccountResourceId = "/subscriptions/$($account.subscriptionId)/resourceGroups/$($account.resourceGroup)/providers/Microsoft.Storage/storageAccounts/$($account.name)"
        }
        New-CISynapseTestBlobContainer -Stack $Stack -Account $account.name -Container $account.containers[0].name

        function Use-Scenario([scriptblock] $Change) {
            $scenario = $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
            if ($Change) { & $Change $scenario }
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $scenario
        }

        function New-Export {
            $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
            Set-CISynapseStore -Location (Join-Path $TestDrive "store-$id")
            $connect = $Stack.ConnectArguments
            Connect-CISynapseAccount @connect | Out-Null
            $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$id") -Rows @{ Customer = 5 } -PartitionsPerEntity 1
            $null = New-CISynapseConnection -Name "conn-$id" -DisplayName 'Synapse' -SubscriptionId $Target.SubscriptionId -ResourceGroupName $Target.WorkspaceResourceGroupName `
                -WorkspaceName $Target.WorkspaceName -StorageAccountName $script:AccountName -Container $Target.Container
            New-CISynapseExport -Name "export-$id" -DisplayName 'Customers' -Connection "conn-$id" -Source $source.FullName -DatabaseName "db_$id" -Entity Customer
        }

        # The run stops before landing anything, naming the failed checks.
        function Assert-RunStopsAt([string] $CheckId, [string] $ReasonLike) {
            $export = New-Export
            $err = { Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru
            $err.Exception.InnerException.ErrorId | Should -Be 'PrerequisitesNotMet'
            $err.Exception.Message | Should -BeLike "*``[$CheckId``]*$ReasonLike"
            $err.ErrorDetails.RecommendedAction | Should -Match 'Repair-CISynapsePrerequisite'
            $export
        }

        function Get-Check($Results, [string] $CheckId) { $Results | Where-Object CheckId -EQ $CheckId }

        # Signs in as an application (idtyp app), e.g. a runbook's managed identity, with tokens for every audience.
        function Connect-AsApplication([string] $ObjectId, [string] $AppId) {
            $token = { param($audience) New-CISynapseTestToken -ObjectId $ObjectId -TenantId $Prepared.tenantId -Audience $audience -AppId $AppId }
            Connect-CISynapseAccount -AccessToken (& $token $Stack.EmulatorUrl) -StorageAccessToken (& $token 'https://storage.azure.com') `
                -SynapseAccessToken (& $token 'https://dev.azuresynapse.net') -GraphAccessToken (& $token 'https://graph.microsoft.com') `
                -SqlAccessToken (& $token 'https://database.windows.net') -ResourceManagerUrl $Stack.ResourceManagerUrl -GraphUrl $Stack.GraphUrl | Out-Null
        }
    }

    AfterAll {
        if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
        Set-CISynapseStore -Default
        Disconnect-CISynapseAccount
    }

    It 'the prepared tenant passes every check, SQL rights and the workspace firewall included, and exports' {
        Use-Scenario
        $results = @(Test-CISynapsePrerequisite @Target)
        @($results | Where-Object Status -NE 'Passed' | ForEach-Object { "$($_.CheckId): $($_.Reason)" }) | Should -BeNullOrEmpty
        (Get-Check $results 'WorkspaceFirewallAllowsCaller').Reason | Should -Be 'The workspace''s development endpoint answered a request from this computer (the firewall let it through).'
        (Get-Check $results 'UserSqlRights').Reason | Should -Be 'The signed-in account is sysadmin of the serverless SQL pool.'
        $export = New-Export
        (Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
    }

    Context 'the workspace firewall has no rule for this computer' {
        BeforeAll {
            Use-Scenario { param($s) $s.synapseWorkspaces[0].firewallRules = @($s.synapseWorkspaces[0].firewallRules | Where-Object name -EQ 'AllowAllWindowsAzureIps') }
        }

        It 'Test-CISynapsePrerequisite fails WorkspaceFirewallAllowsCaller with the rule to add, and cannot decide what lies behind the firewall' {
            $results = @(Test-CISynapsePrerequisite @Target)
            $check = Get-Check $results 'WorkspaceFirewallAllowsCaller'
            $check.Status | Should -Be 'Failed'
            $check.Reason | Should -Be "The workspace 'ws-ci-export' answered 403 ClientIpAddressNotAuthorized: no firewall rule covers this computer's address (127.0.0.1)."
            $check.Remediation | Should -Be "New-AzSynapseFirewallRule -ResourceGroupName 'rg-ci-synapse' -WorkspaceName 'ws-ci-export' -Name 'ClientIp-127.0.0.1' -StartIpAddress '127.0.0.1' -EndIpAddress '127.0.0.1' Repair-CISynapsePrerequisite does not change this."
            $check.CanRepair | Should -BeFalse
            $sql = Get-Check $results 'UserSqlRights'
            $sql.Status | Should -Be 'Unknown'
            $sql.Reason | Should -BeLike "Could not be decided: could not query master on '127.0.0.1,*': Cannot open server 'ws-ci-export' requested by the login. Client with IP address '127.0.0.1' is not allowed to access the server.*"
            $sql.Remediation | Should -BeLike '*see WorkspaceFirewallAllowsCaller*'
            (Get-Check $results 'ServicePrincipalSynapseAdministrator').Status | Should -Be 'Unknown'
            (Get-Check $results 'ServicePrincipalSynapseAdministrator').Reason | Should -BeLike 'Could not be decided: the workspace firewall refused this computer*'
        }

        It 'Repair-CISynapsePrerequisite has nothing it may change' {
            @(Test-CISynapsePrerequisite @Target | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop) | Should -BeNullOrEmpty
        }

        It 'the export stops at the check; skipping the check, the SQL login is refused with error 40615' {
            $export = Assert-RunStopsAt 'WorkspaceFirewallAllowsCaller' 'ClientIpAddressNotAuthorized*'
            $err = { Invoke-CISynapseExport -Name $export.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru
            $err.Exception.InnerException.ErrorId | Should -Be 'SqlConnectionFailed'
            $err.Exception.Message | Should -BeLike "*Client with IP address '127.0.0.1' is not allowed to access the server*"
        }
    }

    Context 'public network access to the workspace is disabled' {
        BeforeAll { Use-Scenario { param($s) $s.synapseWorkspaces[0].publicNetworkAccess = 'Disabled' } }

        It 'Test-CISynapsePrerequisite fails WorkspaceFirewallAllowsCaller with the private endpoint advice, Repair changes nothing, and the export stops' {
            $results = @(Test-CISynapsePrerequisite @Target)
            $check = Get-Check $results 'WorkspaceFirewallAllowsCaller'
            $check.Status | Should -Be 'Failed'
            $check.Reason | Should -Be "Public network access to workspace 'ws-ci-export' is disabled: its development and serverless SQL endpoints admit only private endpoints."
            $check.Remediation | Should -BeLike 'Run the export from a network with private endpoints to the workspace*"publicNetworkAccess":"Enabled"*'
            (Get-Check $results 'UserSqlRights').Reason | Should -BeLike '*Connection was denied since Deny Public Network Access is set to Yes*'
            @($results | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop) | Should -BeNullOrEmpty
            $null = Assert-RunStopsAt 'WorkspaceFirewallAllowsCaller' 'Public network access*disabled*'
        }
    }

    Context 'the user is only Synapse User: no rights in serverless SQL' {
        BeforeAll {
            Use-Scenario { param($s)
                $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $User) + @(
                    @{ roleName = 'Synapse User'; principalId = $User; principalType = 'User' })
            }
        }

        It 'Test-CISynapsePrerequisite fails UserSqlRights; the export stops at it, and skipping the check CREATE DATABASE is refused with 262' {
            $check = Get-Check @(Test-CISynapsePrerequisite @Target) 'UserSqlRights'
            $check.Status | Should -Be 'Failed'
            $check.Reason | Should -BeLike "The signed-in account may not create databases on '127.0.0.1,*': it is not sysadmin and lacks CREATE ANY DATABASE, so the export's CREATE DATABASE fails with error 262."
            $check.Remediation | Should -BeLike "Ask a Synapse Administrator of 'ws-ci-export' for the Synapse SQL Administrator role: New-AzSynapseRoleAssignment -WorkspaceName 'ws-ci-export' -RoleDefinitionId '7af0c69a-a548-47d6-aea3-d00e69bd83aa' -ObjectId '$User'*ALTER SERVER ROLE dbcreator ADD MEMBER*"
            $check.CanRepair | Should -BeTrue

            $export = Assert-RunStopsAt 'UserSqlRights' 'lacks CREATE ANY DATABASE*'
            $err = { Invoke-CISynapseExport -Name $export.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru
            $err.Exception.InnerException.ErrorId | Should -Be 'SqlBatchFailed'
            $err.Exception.Message | Should -BeLike "*CREATE DATABASE permission denied in database 'master'. (SQL error 262)*"
        }

        It 'Repair-CISynapsePrerequisite gives the user Synapse SQL Administrator, after which every check passes and the export runs' {
            $repaired = @(Test-CISynapsePrerequisite @Target | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop)
            $repaired.Count | Should -Be 1
            $repaired[0].ObjectId | Should -Be $User
            @(Test-CISynapsePrerequisite @Target | Where-Object Status -NE 'Passed') | Should -BeNullOrEmpty
            $export = New-Export
            (Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
        }
    }

    It 'a login in dbcreator passes UserSqlRights without a Synapse SQL role' {
        Use-Scenario { param($s)
            $s.synapseWorkspaces[0].roleAssignments = @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -NE $User) + @(
                @{ roleName = 'Synapse User'; principalId = $User; principalType = 'User' })
            $s.synapseWorkspaces[0].sqlLogins = @(@{ principalId = $User; serverRoles = @('dbcreator') })
        }
        $check = Get-Check @(Test-CISynapsePrerequisite @Target) 'UserSqlRights'
        $check.Status | Should -Be 'Passed'
        $check.Reason | Should -Be 'The signed-in account may create databases (CREATE ANY DATABASE) and owns what it creates.'
        $export = New-Export
        (Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
    }

    It 'Synapse Administrator on a Spark pool only: the check fails, Repair assigns it on the workspace, and the export runs' {
        Use-Scenario { param($s)
            foreach ($a in @($s.synapseWorkspaces[0].roleAssignments | Where-Object principalId -EQ $Sp)) { $a.scope = 'workspaces/ws-ci-export/bigDataPools/sparkpool1' }
        }
        $check = Get-Check @(Test-CISynapsePrerequisite @Target) 'ServicePrincipalSynapseAdministrator'
        $check.Status | Should -Be 'Failed'
        $check.Reason | Should -BeLike "*Synapse Administrator is assigned only at 'workspaces/ws-ci-export/bigDataPools/sparkpool1', which does not cover the workspace."
        $null = Assert-RunStopsAt 'ServicePrincipalSynapseAdministrator' 'only at*sparkpool1*'
        $repaired = @(Test-CISynapsePrerequisite @Target | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop)
        $repaired.Count | Should -Be 1
        $repaired[0].ObjectId | Should -Be $Sp
        $export = New-Export
        (Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
    }

    It 'a query group without Storage Blob Data Reader: QueryUserStorageAccess fails, Repair assigns it to the group (principalType Group), and the export runs' {
        $group = 'a1b2c3d4-0000-4000-8000-000000000055'
        Use-Scenario { param($s) $s.roleAssignments = @($s.roleAssignments | Where-Object { $_.description -notlike 'Query users (group)*' }) }
        $check = Get-Check @(Test-CISynapsePrerequisite @Target -QueryUserObjectId $group) 'QueryUserStorageAccess'
        $check.Status | Should -Be 'Failed'
        $check.Title | Should -Be "Query group $group has Storage Blob Data Reader on the storage"
        $check.CanRepair | Should -BeTrue
        $repaired = @(Test-CISynapsePrerequisite @Target -QueryUserObjectId $group | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop)
        $repaired.Count | Should -Be 1
        $repaired[0].ObjectId | Should -Be $group
        $repaired[0].PrincipalType | Should -Be 'Group'
        @(Test-CISynapsePrerequisite @Target -QueryUserObjectId $group | Where-Object Status -NE 'Passed') | Should -BeNullOrEmpty
        $export = New-Export
        (Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
    }

    It 'a managed identity caller without Reader: it cannot list the assignments nor read the workspace (Unknown); the administrator''s test of it fails, Repair assigns Reader as a ServicePrincipal, and the identity exports' {
        $identity = 'a1b2c3d4-0000-4000-8000-000000000099'
        $appId = '5e0c2f9b-7d1a-4c3e-9f2b-000000000099'
        Use-Scenario { param($s)
            $s.principals += @{ id = $identity; type = 'ServicePrincipal'; displayName = 'runbook-export'; appId = $appId; servicePrincipalType = 'ManagedIdentity' }
            $s.roleAssignments += @{ description = 'Runbook: Storage Blob Data Contributor'; scope = $Target.StorageAccountResourceId; roleName = 'Storage Blob Data Contributor'; principalId = $identity }
            $s.synapseWorkspaces[0].roleAssignments += @{ roleName = 'Synapse Administrator'; principalId = $identity; principalType = 'ServicePrincipal' }
        }
        try {
            $export = New-Export
            $null = Grant-CISynapseRole -PrincipalId $identity -Role Administrator -DisplayName 'runbook-export'
            Connect-AsApplication $identity $appId
            $own = @(Test-CISynapsePrerequisite @Target)
            (Get-Check $own 'UserResourceGroupReader').Status | Should -Be 'Unknown'
            # Without Reader it cannot read the workspace, so it does not learn the SQL endpoint either.
            (Get-Check $own 'UserSqlRights').Status | Should -Be 'Unknown'

            # An administrator tests the identity by its object id and repairs what fails, with the principal's own type.
            $connect = $Stack.ConnectArguments
            Connect-CISynapseAccount @connect | Out-Null
            $results = @(Test-CISynapsePrerequisite @Target -UserObjectId $identity)
            (Get-Check $results 'UserResourceGroupReader').Status | Should -Be 'Failed'
            (Get-Check $results 'UserSqlRights').Reason | Should -BeLike '*probed with the signed-in account''s own token*'
            $repaired = @($results | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop)
            $repaired.Count | Should -Be 1
            $repaired[0].ObjectId | Should -Be $identity
            $repaired[0].PrincipalType | Should -Be 'ServicePrincipal'

            Connect-AsApplication $identity $appId
            @(Test-CISynapsePrerequisite @Target | Where-Object Status -NE 'Passed' | ForEach-Object { "$($_.CheckId): $($_.Reason)" }) | Should -BeNullOrEmpty
            (Invoke-CISynapseExport -Name $export.Name -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
        }
        finally {
            $connect = $Stack.ConnectArguments
            Connect-CISynapseAccount @connect | Out-Null
        }
    }

    It 'no storage IP rule for this computer: StorageNetworkAllowsCaller fails, Repair changes nothing, and the export stops' {
        Use-Scenario { param($s) $s.storageAccounts[0].networkAcls.ipRules = @() }
        $results = @(Test-CISynapsePrerequisite @Target)
        (Get-Check $results 'StorageNetworkAllowsCaller').Status | Should -Be 'Failed'
        @($results | Repair-CISynapsePrerequisite -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop) | Should -BeNullOrEmpty
        $null = Assert-RunStopsAt 'StorageNetworkAllowsCaller' '403 AuthorizationFailure*'
    }
}
