# Reading exported views through the workspace managed identity (issue 17): an export in WorkspaceIdentity mode makes a
# Managed Identity credential and role CISynapseReaders (SELECT on dbo, REFERENCES on the credential). The admin adds a
# query user with CREATE USER … FROM EXTERNAL PROVIDER and ALTER ROLE … ADD MEMBER; that user reads the views, a user
# of the directory who is not in the database cannot. Storage is read by the workspace identity, so a member of the role
# needs no storage data role of its own.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    # A user of the directory with no storage data role and no Synapse role.
    $Prepared.principals += @{ id = 'a1b2c3d4-0000-4000-8000-000000000066'; type = 'User'; displayName = 'Sam Stranger'; userPrincipalName = 'sam@contoso.example' }
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $Prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $Prepared.synapseWorkspaces[0].name `
        -StorageAccountName $account -Container $container

    $script:Demo = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive 'demo') -Rows @{ Segments = 20 } -PartitionsPerEntity 2
    $null = New-CISynapseExport -Name 'wsi' -DisplayName 'Workspace identity' -Connection 'lake' -Source $Demo.FullName -DatabaseName 'WsiDb' `
        -Entity 'Segments' -DeploymentMode Apply -QueryAccessMode WorkspaceIdentity
    $script:Run = Invoke-CISynapseExport -Name 'wsi' -Confirm:$false -WarningAction SilentlyContinue

    $model = Get-Content -Raw (Join-Path $Demo.FullName 'model.json') | ConvertFrom-Json
    $script:Columns = @(($model.entities | Where-Object name -EQ 'Segments').attributes | Where-Object dataType -In 'string', 'int32', 'int64' | ForEach-Object name)
    $names = @(($model.entities | Where-Object name -EQ 'Segments').attributes.name)
    $script:SourceRows = @(Get-ChildItem -Path (Join-Path $Demo.FullName 'Segments') -Filter '*.csv' | Sort-Object Name |
            ForEach-Object { Get-Content -Raw $_.FullName | ConvertFrom-Csv -Header $names })

    function Get-Token([string] $ObjectId) {
        New-CISynapseTestToken -ObjectId $ObjectId -TenantId $Prepared.tenantId -Audience 'https://database.windows.net'
    }

    function ConvertTo-RowKey([object[]] $Rows) {
        @($Rows | ForEach-Object { $row = $_; ($Columns | ForEach-Object { [string]$row.$_ }) -join [char]0x1F } | Sort-Object)
    }

    $script:Quinn = Get-Token 'a1b2c3d4-0000-4000-8000-000000000044'
    $script:Sam = Get-Token 'a1b2c3d4-0000-4000-8000-000000000066'
    $script:Select = "SELECT $(($Columns | ForEach-Object { "[$_]" }) -join ', ') FROM [dbo].[Segments]"
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Views exported in WorkspaceIdentity mode, read by a query user the admin adds' {
    It 'exported with the credential and the reader role' {
        $Run.Status | Should -Be 'Succeeded'
        $Run.SqlApplied | Should -BeTrue
        $database = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'WsiDb'
        $database.credentials.identity | Should -Be 'Managed Identity'
        $database.roles.name | Should -Contain 'CISynapseReaders'
    }

    It 'refuses a user of the directory who is not a user of the database' {
        $failure = { Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query $Select -AccessToken $Sam } | Should -Throw -PassThru

        "$failure" | Should -Match "The SELECT permission was denied on the object 'Segments', database 'WsiDb', schema 'dbo'"
    }

    It 'lets a user the admin adds to CISynapseReaders read the view: every row, the source values' {
        $null = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' `
            -Query 'CREATE USER [quinn@contoso.example] FROM EXTERNAL PROVIDER; ALTER ROLE [CISynapseReaders] ADD MEMBER [quinn@contoso.example];'

        $rows = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query $Select -AccessToken $Quinn)

        $rows.Count | Should -Be 20
        ConvertTo-RowKey $rows | Should -Be (ConvertTo-RowKey $SourceRows)
        (Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'WsiDb').roles |
            Where-Object name -EQ 'CISynapseReaders' | ForEach-Object members | Should -Be 'quinn@contoso.example'
    }

    It 'refuses a database user outside the role, and lets it read once a member: storage is read by the workspace identity' {
        $null = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query 'CREATE USER [sam@contoso.example] FROM EXTERNAL PROVIDER;'
        { Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query $Select -AccessToken $Sam } | Should -Throw '*SELECT permission was denied*'

        $null = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query 'ALTER ROLE [CISynapseReaders] ADD MEMBER [sam@contoso.example];'

        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query $Select -AccessToken $Sam).Count | Should -Be 20
    }

    It 'refuses a query user who is not a member of the directory' {
        $failure = { Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'WsiDb' -Query 'CREATE USER [nobody@contoso.example] FROM EXTERNAL PROVIDER;' } | Should -Throw -PassThru

        "$failure" | Should -Match "Principal 'nobody@contoso.example' could not be found"
    }
}
