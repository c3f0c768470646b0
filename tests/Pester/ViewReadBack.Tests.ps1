# Reading the exported views back through the emulator's serverless SQL endpoint (issue 17): the demo data and the
# shared CDM fixture folders are exported with -DeploymentMode Apply, then every view is queried over TDS with
# SqlClient (Invoke-CISynapseEmulatorQuery) and compared with the source rows. The endpoint executes OPENROWSET by
# the documented serverless rules and refuses what the documentation does not promise; the views read every CSV column
# as UTF-8 text and convert typed columns in the SELECT list (issue 16), so every column of every view reads back.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $dir = Split-Path -Parent $root
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/fixtures/cdm'))) { $dir = Split-Path -Parent $dir }
    $script:Sample1 = Join-Path $dir 'shared/fixtures/cdm/microsoft-cdm/samples/1-read-manifest/sample-data'
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    # A user of the directory with no storage data role.
    $script:StrangerId = 'a1b2c3d4-0000-4000-8000-000000000066'
    $Prepared.principals += @{ id = $StrangerId; type = 'User'; displayName = 'Sam Stranger'; userPrincipalName = 'sam@contoso.example' }
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $sub = $Prepared.subscriptions[0].subscriptionId
    $rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $sub -ResourceGroupName $rg `
        -WorkspaceName $Prepared.synapseWorkspaces[0].name -StorageAccountName $account -Container $container

    # The demo's data (tests/Demo/Demo.ps1), smaller: every entity the generator knows, two partitions each.
    $script:DemoRows = @{ Customer = 50; UnifiedActivity = 80; CustomerMeasures = 50; Segments = 30 }
    $script:Demo = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive 'demo') -Rows $DemoRows -PartitionsPerEntity 2
    $null = New-CISynapseExport -Name 'demo' -DisplayName 'Demo' -Connection 'lake' -Source $Demo.FullName -DatabaseName 'DemoDb' `
        -Entity @($DemoRows.Keys) -DeploymentMode Apply
    $script:DemoRun = Invoke-CISynapseExport -Name 'demo' -Confirm:$false -WarningAction SilentlyContinue
    $script:DemoModel = Get-Content -Raw (Join-Path $Demo.FullName 'model.json') | ConvertFrom-Json

    $script:Sample1Entities = @(Get-CISynapseEntity -Source $Sample1 | ForEach-Object Name)
    $null = New-CISynapseExport -Name 'sample1' -DisplayName 'CDM sample 1' -Connection 'lake' -Source $Sample1 -DatabaseName 'Sample1Db' `
        -Entity $Sample1Entities -DeploymentMode Apply
    $script:Sample1Run = Invoke-CISynapseExport -Name 'sample1' -Confirm:$false -WarningAction SilentlyContinue

    function Get-SourceRow([string] $Entity) {
        $names = @(($DemoModel.entities | Where-Object name -EQ $Entity).attributes.name)
        Get-ChildItem -Path (Join-Path $Demo.FullName $Entity) -Filter '*.csv' | Sort-Object Name |
            ForEach-Object { Get-Content -Raw $_.FullName | ConvertFrom-Csv -Header $names }
    }

    function Get-AttributeName([string] $Entity, [string[]] $DataType) {
        @(($DemoModel.entities | Where-Object name -EQ $Entity).attributes | Where-Object { $_.dataType -in $DataType } | ForEach-Object name)
    }

    # One comparable text per value: what the CSV holds, whatever SQL type the view read it as.
    function ConvertTo-Comparable($Value) {
        switch ($Value) {
            { $null -eq $_ } { return '' }
            { $_ -is [bool] } { return $(if ($_) { 'true' } else { 'false' }) }
            { $_ -is [datetimeoffset] } { return $_.ToString('yyyy-MM-ddTHH:mm:sszzz', [cultureinfo]::InvariantCulture) }
            { $_ -is [datetime] } { return $(if ($_.TimeOfDay -eq [timespan]::Zero -and $_.Kind -ne 'Utc') { $_.ToString('yyyy-MM-dd') } else { $_.ToString('yyyy-MM-ddTHH:mm:ss', [cultureinfo]::InvariantCulture) }) }
            { $_ -is [decimal] -or $_ -is [double] } { return ([decimal]$_).ToString('0.############################', [cultureinfo]::InvariantCulture) }
            default { return [string]$_ }
        }
    }

    function ConvertTo-RowKey([object[]] $Rows, [string[]] $Columns) {
        @($Rows | ForEach-Object { $row = $_; ($Columns | ForEach-Object { ConvertTo-Comparable $row.$_ }) -join [char]0x1F } | Sort-Object)
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Exported views read back through the serverless SQL endpoint' {
    It 'exported the demo data and the CDM sample folder with their views' {
        $DemoRun.Status | Should -Be 'Succeeded'
        $DemoRun.SqlApplied | Should -BeTrue
        $Sample1Run.Status | Should -Be 'Succeeded'
        $Sample1Run.SqlApplied | Should -BeTrue
    }

    It 'counts the source rows of every demo view (<_>)' -ForEach @('Customer', 'UnifiedActivity', 'CustomerMeasures', 'Segments') {
        $count = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query "SELECT COUNT(*) AS n FROM [dbo].[$_]"
        $count.n | Should -Be $DemoRows[$_]
    }

    It 'reads the string and integer columns of every demo view back as the source values (<_>)' -ForEach @('Customer', 'UnifiedActivity', 'CustomerMeasures', 'Segments') {
        $columns = Get-AttributeName -Entity $_ -DataType 'string', 'int32', 'int64'
        $columns | Should -Not -BeNullOrEmpty
        $list = ($columns | ForEach-Object { "[$_]" }) -join ', '

        $rows = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query "SELECT $list FROM [dbo].[$_]")

        $rows.Count | Should -Be $DemoRows[$_]
        ConvertTo-RowKey $rows $columns | Should -Be (ConvertTo-RowKey (Get-SourceRow $_) $columns)
    }

    It 'reads every column of the Segments view back as the source values, with TOP, WHERE and ORDER BY' {
        $columns = Get-AttributeName -Entity 'Segments' -DataType 'string', 'int32', 'int64'
        $source = @(Get-SourceRow 'Segments')

        $all = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query 'SELECT * FROM [dbo].[Segments]')
        $top = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query 'SELECT TOP 3 SegmentId, SegmentName FROM dbo.Segments WHERE SegmentId >= 10 ORDER BY SegmentId DESC, SegmentName')

        ConvertTo-RowKey $all $columns | Should -Be (ConvertTo-RowKey $source $columns)
        $all[0].SegmentId | Should -BeOfType [int]
        $expected = @($source | Where-Object { [int]$_.SegmentId -ge 10 } | Sort-Object @{ Expression = { [int]$_.SegmentId }; Descending = $true }, SegmentName | Select-Object -First 3)
        @($top | ForEach-Object { "$($_.SegmentId)|$($_.SegmentName)" }) | Should -Be @($expected | ForEach-Object { "$($_.SegmentId)|$($_.SegmentName)" })
    }

    It 'reads every column of <_> back as the source values, typed' -ForEach @('Customer', 'UnifiedActivity', 'CustomerMeasures') {
        $columns = @(($DemoModel.entities | Where-Object name -EQ $_).attributes.name)

        $rows = @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query "SELECT * FROM [dbo].[$_]")

        $rows.Count | Should -Be $DemoRows[$_]
        ConvertTo-RowKey $rows $columns | Should -Be (ConvertTo-RowKey (Get-SourceRow $_) $columns)
    }

    It 'reads every view of the CDM sample folder (header-only partitions): no rows, no error (<_>)' -ForEach @(
        'Account', 'Address', 'CarePlan', 'CodeableConcept', 'Contact', 'Device', 'EmrAppointment', 'Encounter', 'EpisodeOfCare', 'Location') {
        $Sample1Entities | Should -Contain $_
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'Sample1Db' -Query "SELECT COUNT(*) AS n FROM [dbo].[$_]").n | Should -Be 0
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'Sample1Db' -Query "SELECT * FROM [dbo].[$_]") | Should -BeNullOrEmpty
    }

    It 'lets a member of a group with Storage Blob Data Reader read, and refuses a caller without a storage data role ("cannot be listed")' {
        $quinn = New-CISynapseTestToken -ObjectId 'a1b2c3d4-0000-4000-8000-000000000044' -TenantId $Prepared.tenantId -Audience 'https://database.windows.net'
        $stranger = New-CISynapseTestToken -ObjectId $StrangerId -TenantId $Prepared.tenantId -Audience 'https://database.windows.net'
        # Reading a view needs SELECT on its schema (the admin grants it); the storage role is what this test is about.
        $grants = "CREATE USER [CI data readers] FROM EXTERNAL PROVIDER; GRANT SELECT ON SCHEMA::[dbo] TO [CI data readers];" +
            " CREATE USER [sam@contoso.example] FROM EXTERNAL PROVIDER; GRANT SELECT ON SCHEMA::[dbo] TO [sam@contoso.example];"
        $null = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query $grants

        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query 'SELECT COUNT(*) AS n FROM dbo.Segments' -AccessToken $quinn).n | Should -Be $DemoRows.Segments
        $failure = { Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'DemoDb' -Query 'SELECT COUNT(*) AS n FROM dbo.Segments' -AccessToken $stranger } | Should -Throw -PassThru
        "$failure" | Should -Match "Content of directory on path 'https://.*/DemoDb/Segments/.*' cannot be listed"
    }
}
