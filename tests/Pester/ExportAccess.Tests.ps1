# Grant-/Revoke-CISynapseExportAccess (issue 16 item 6, the FAQ's "other users can't query"): a user of the directory
# who is no Synapse administrator cannot read an export's views until granted, reads them after, and cannot after the
# revoke, in both query access modes. WorkspaceIdentity: membership of CISynapseReaders is all it needs. CallerIdentity:
# the user reads the files with its own identity, so Grant also assigns Storage Blob Data Reader when it is missing.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:SamId = 'a1b2c3d4-0000-4000-8000-000000000066'
    $script:RiaId = 'a1b2c3d4-0000-4000-8000-000000000077'
    $script:QuinnId = 'a1b2c3d4-0000-4000-8000-000000000044'
    # Users of the directory with no storage data role and no Synapse role; two groups that share a display name.
    $Prepared.principals += @{ id = $SamId; type = 'User'; displayName = 'Sam Stranger'; userPrincipalName = 'sam@contoso.example' }
    $Prepared.principals += @{ id = $RiaId; type = 'User'; displayName = 'Ria Reader'; userPrincipalName = 'ria@contoso.example' }
    $Prepared.principals += @{ id = 'a1b2c3d4-0000-4000-8000-000000000088'; type = 'Group'; displayName = 'Twin readers'; members = @() }
    $Prepared.principals += @{ id = 'a1b2c3d4-0000-4000-8000-000000000099'; type = 'Group'; displayName = 'Twin readers'; members = @() }
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    $script:AccountId = "/subscriptions/$($Prepared.subscriptions[0].subscriptionId)/resourceGroups/$($Prepared.storageAccounts[0].resourceGroup)/providers/Microsoft.Storage/storageAccounts/$account"
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $Prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $Prepared.synapseWorkspaces[0].name `
        -StorageAccountName $account -Container $container

    $script:Demo = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive 'demo') -Rows @{ Segments = 20 } -PartitionsPerEntity 2
    $null = New-CISynapseExport -Name 'wsi' -Connection 'lake' -Source $Demo.FullName -DatabaseName 'WsiDb' -Entity 'Segments' -DeploymentMode Apply -QueryAccessMode WorkspaceIdentity
    $null = New-CISynapseExport -Name 'cid' -Connection 'lake' -Source $Demo.FullName -DatabaseName 'CidDb' -Entity 'Segments' -DeploymentMode Apply -QueryAccessMode CallerIdentity
    $null = New-CISynapseExport -Name 'scripted' -Connection 'lake' -Source $Demo.FullName -DatabaseName 'ScriptDb' -Entity 'Segments' -DeploymentMode ScriptOnly
    $script:Runs = @('wsi', 'cid' | ForEach-Object { Invoke-CISynapseExport -Name $_ -Confirm:$false -WarningAction SilentlyContinue })

    function Get-Token([string] $ObjectId) {
        New-CISynapseTestToken -ObjectId $ObjectId -TenantId $Prepared.tenantId -Audience 'https://database.windows.net'
    }

    function Read-Segments([string] $Database, [string] $ObjectId) {
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database $Database -Query 'SELECT [SegmentId] FROM [dbo].[Segments]' -AccessToken (Get-Token $ObjectId))
    }

    function Get-ReaderMembers([string] $Database) {
        @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $Database).roles | Where-Object name -EQ 'CISynapseReaders' | ForEach-Object members)
    }

    function Get-StorageReaderAssignments([string] $PrincipalId) {
        @((Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'state').roleAssignments |
                Where-Object { $_.principalId -eq $PrincipalId -and $_.roleDefinitionId -like '*2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' })
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Grant-/Revoke-CISynapseExportAccess in WorkspaceIdentity mode' {
    It 'both exports ran; every run makes the reader role, without REFERENCES where there is no credential' {
        $Runs.Status | Should -Be @('Succeeded', 'Succeeded')
        (Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'CidDb').roles.name | Should -Contain 'CISynapseReaders'
    }

    It 'a user who is no Synapse administrator cannot read the view before the grant' {
        { Read-Segments 'WsiDb' $SamId } | Should -Throw "*SELECT permission was denied on the object 'Segments', database 'WsiDb'*"
    }

    It 'grants by user principal name: the user reads every row, and needs no storage role' {
        $result = Grant-CISynapseExportAccess -ExportName 'wsi' -UserPrincipalName 'sam@contoso.example'

        $result.Status | Should -Be 'Added'
        $result.Principal | Should -Be 'sam@contoso.example'
        $result.PrincipalType | Should -Be 'User'
        $result.ObjectId | Should -Be $SamId
        $result.StorageRole | Should -Be 'NotNeeded'
        Get-ReaderMembers 'WsiDb' | Should -Be 'sam@contoso.example'
        (Read-Segments 'WsiDb' $SamId).Count | Should -Be 20
        Get-StorageReaderAssignments $SamId | Should -BeNullOrEmpty
    }

    It 'a second grant is a no-op reported as AlreadyMember' {
        $before = @(Get-CISynapseEmulatorSqlBatch -Stack $Stack).Count
        $result = Grant-CISynapseExportAccess -ExportName 'wsi' -UserPrincipalName 'sam@contoso.example'

        $result.Status | Should -Be 'AlreadyMember'
        $changes = @(Get-CISynapseEmulatorSqlBatch -Stack $Stack | Select-Object -Skip $before | Where-Object { $_.text -match 'CREATE USER|ALTER ROLE' })
        $changes | Should -BeNullOrEmpty
    }

    It 'revokes: the user is dropped with its membership and cannot read the view any more' {
        $result = Revoke-CISynapseExportAccess -ExportName 'wsi' -UserPrincipalName 'sam@contoso.example' -Confirm:$false

        $result.Status | Should -Be 'Removed'
        $result.UserDropped | Should -BeTrue
        $result.StorageRole | Should -Be 'Kept'
        Get-ReaderMembers 'WsiDb' | Should -BeNullOrEmpty
        { Read-Segments 'WsiDb' $SamId } | Should -Throw '*SELECT permission was denied*'
        (Revoke-CISynapseExportAccess -ExportName 'wsi' -UserPrincipalName 'sam@contoso.example' -Confirm:$false).Status | Should -Be 'NotMember'
    }

    It 'grants a group by display name: its members read the view' {
        $result = Grant-CISynapseExportAccess -ExportName 'wsi' -DisplayName 'CI data readers'

        $result.PrincipalType | Should -Be 'Group'
        $result.Principal | Should -Be 'CI data readers'
        (Read-Segments 'WsiDb' $QuinnId).Count | Should -Be 20
    }

    It 'changes nothing under -WhatIf' {
        $result = Grant-CISynapseExportAccess -ExportName 'wsi' -UserPrincipalName 'ria@contoso.example' -WhatIf

        $result | Should -BeNullOrEmpty
        Get-ReaderMembers 'WsiDb' | Should -Not -Contain 'ria@contoso.example'
    }
}

Describe 'Grant-/Revoke-CISynapseExportAccess in CallerIdentity mode' {
    It 'a user with no storage role and no database user cannot read the view before the grant' {
        { Read-Segments 'CidDb' $RiaId } | Should -Throw "*SELECT permission was denied on the object 'Segments', database 'CidDb'*"
        Get-StorageReaderAssignments $RiaId | Should -BeNullOrEmpty
    }

    It 'grants from a Get-AzADUser-shaped object on the pipeline: the user joins the role and gets Storage Blob Data Reader' {
        $result = [pscustomobject]@{ Id = $RiaId; UserPrincipalName = 'ria@contoso.example'; DisplayName = 'Ria Reader' } |
            Grant-CISynapseExportAccess -ExportName 'cid' -Confirm:$false -WarningAction SilentlyContinue

        $result.Status | Should -Be 'Added'
        $result.Principal | Should -Be 'ria@contoso.example'
        $result.StorageRole | Should -Be 'Assigned'
        (Get-StorageReaderAssignments $RiaId).scope | Should -Be $AccountId
        (Read-Segments 'CidDb' $RiaId).Count | Should -Be 20
    }

    It 'a second grant finds the storage role present and the membership in place' {
        $result = Grant-CISynapseExportAccess -ExportName 'cid' -ObjectId $RiaId

        $result.Status | Should -Be 'AlreadyMember'
        $result.StorageRole | Should -Be 'Present'
        @(Get-StorageReaderAssignments $RiaId).Count | Should -Be 1
    }

    It 'revokes without -IncludeStorageRole: the view is refused, the storage role is kept' {
        $result = Revoke-CISynapseExportAccess -ExportName 'cid' -UserPrincipalName 'ria@contoso.example' -Confirm:$false

        $result.Status | Should -Be 'Removed'
        $result.StorageRole | Should -Be 'Kept'
        { Read-Segments 'CidDb' $RiaId } | Should -Throw '*SELECT permission was denied*'
        @(Get-StorageReaderAssignments $RiaId).Count | Should -Be 1
    }

    It 'revokes with -IncludeStorageRole: the assignment Grant made is removed too' {
        $null = Grant-CISynapseExportAccess -ExportName 'cid' -UserPrincipalName 'ria@contoso.example'
        $result = Revoke-CISynapseExportAccess -ExportName 'cid' -UserPrincipalName 'ria@contoso.example' -IncludeStorageRole -Confirm:$false

        $result.Status | Should -Be 'Removed'
        $result.StorageRole | Should -Be 'Removed'
        Get-StorageReaderAssignments $RiaId | Should -BeNullOrEmpty
        { Read-Segments 'CidDb' $RiaId } | Should -Throw
    }
}

Describe 'Grant-CISynapseExportAccess refusals' {
    It 'refuses a display name two groups share, naming both' {
        $failure = { Grant-CISynapseExportAccess -ExportName 'wsi' -DisplayName 'Twin readers' -ErrorAction Stop } | Should -Throw -PassThru

        $failure.FullyQualifiedErrorId | Should -BeLike 'QueryPrincipalNameNotUnique,*'
        "$failure" | Should -Match 'a1b2c3d4-0000-4000-8000-000000000088'
        "$failure" | Should -Match 'a1b2c3d4-0000-4000-8000-000000000099'
    }

    It 'refuses a user principal name the tenant does not have' {
        $failure = { Grant-CISynapseExportAccess -ExportName 'wsi' -UserPrincipalName 'nobody@contoso.example' -ErrorAction Stop } | Should -Throw -PassThru

        $failure.FullyQualifiedErrorId | Should -BeLike 'QueryPrincipalNotFound,*'
    }

    It 'returns the T-SQL for a ScriptOnly export instead of sending it' {
        $failure = { Grant-CISynapseExportAccess -ExportName 'scripted' -UserPrincipalName 'sam@contoso.example' -ErrorAction Stop } | Should -Throw -PassThru

        $failure.FullyQualifiedErrorId | Should -BeLike 'QueryAccessScriptOnly,*'
        "$failure" | Should -Match ([regex]::Escape('CREATE USER [sam@contoso.example] FROM EXTERNAL PROVIDER'))
    }

    It 'refuses an export that never ran: its database does not exist yet' {
        $null = New-CISynapseExport -Name 'fresh' -Connection 'lake' -Source $Demo.FullName -DatabaseName 'FreshDb' -Entity 'Segments' -DeploymentMode Apply
        $failure = { Grant-CISynapseExportAccess -ExportName 'fresh' -UserPrincipalName 'sam@contoso.example' -ErrorAction Stop } | Should -Throw -PassThru

        $failure.FullyQualifiedErrorId | Should -BeLike 'QueryAccessDatabaseNotReady,*'
    }
}
