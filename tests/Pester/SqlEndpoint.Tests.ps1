# The emulator's serverless SQL (TDS) endpoint reached through the built module: Invoke-CISynapseExport with
# -DeploymentMode Apply finds it as the workspace's sqlOnDemand endpoint, signs in with the SQL access token and
# sends the generated batches through SqlClient; the emulator's catalog shows what they created.
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
    $script:SignedInUser = $Prepared.signedInUser
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container

    function New-ApplyScenario {
        param([string[]] $Entity = @('Customer', 'Segments'))
        $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
        Set-CISynapseStore -Location (Join-Path $TestDrive "store-$id")
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect | Out-Null
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$id") -Rows @{ Customer = 10; Segments = 5 } -PartitionsPerEntity 1
        $null = New-CISynapseConnection -Name "conn-$id" -DisplayName 'Synapse' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container
        $export = New-CISynapseExport -Name "export-$id" -DisplayName 'Customers to Synapse' -Connection "conn-$id" -Source $source.FullName -DatabaseName "db_$id" -Entity $Entity -DeploymentMode Apply
        $model = Get-Content -Raw (Join-Path $source.FullName 'model.json') | ConvertFrom-Json
        [pscustomobject]@{ Export = $export; Database = "db_$id"; Model = $model }
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'The serverless SQL endpoint of the test stack' {
    AfterEach { Set-CISynapseEmulatorSqlFault -Stack $Stack -Clear }

    It 'is what the workspace advertises as sqlOnDemand' {
        $Stack.SqlEndpoint | Should -Match '^127\.0\.0\.1,\d+$'
        (Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'sql').endpoint | Should -Be $Stack.SqlEndpoint
        $workspace = Invoke-RestMethod -SkipCertificateCheck -Headers @{ Authorization = "Bearer $($Stack.Tokens.ResourceManager)" } `
            -Uri "$($Stack.ResourceManagerUrl)subscriptions/$Sub/resourceGroups/$Rg/providers/Microsoft.Synapse/workspaces/${Workspace}?api-version=2021-06-01"
        $workspace.properties.connectivityEndpoints.sqlOnDemand | Should -Be $Stack.SqlEndpoint
    }

    It 'Invoke-CISynapseExport -DeploymentMode Apply creates the database and one view per entity with the entity''s columns' {
        $s = New-ApplyScenario

        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue

        $run.Status | Should -Be 'Succeeded'
        $run.SqlApplied | Should -BeTrue
        $db = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database
        $db | Should -Not -BeNullOrEmpty
        $db.collation | Should -Be 'Latin1_General_100_CI_AS_SC_UTF8'
        # One data source, scoped to the export's database folder and named by its location.
        @($db.dataSources.name) | Should -HaveCount 1
        $db.dataSources[0].name | Should -Match '^CISynapseDataLake_[0-9a-f]{12}$'
        $db.dataSources[0].location | Should -BeLike "*/$Container/$($s.Database)"
        @($db.views.name | Sort-Object) | Should -Be @('Customer', 'Segments')
        foreach ($view in $db.views) {
            $entity = $s.Model.entities | Where-Object name -EQ $view.name
            @($view.columns.name) | Should -Be @($entity.attributes.name)
            $snapshot = ($run.Entities | Where-Object Entity -EQ $view.name).SnapshotId
            $view.bulk | Should -Be "$($view.name)/$snapshot/**"
            $view.dataSource | Should -Be $db.dataSources[0].name
        }
        # The run takes the database first (CREATE DATABASE in master, the owner marker's schema and view in it), then
        # the script: CREATE DATABASE in master (already there), the reader role, the data source and the two views; then it verifies
        # each view that moved (a one-row probe and a count of values that do not convert).
        $batches = @(Get-CISynapseEmulatorSqlBatch -Stack $Stack | Where-Object { $_.database -eq $s.Database -or ($_.database -eq 'master' -and $_.text -match [regex]::Escape($s.Database)) })
        $batches.Count | Should -Be 12
        @($batches | Where-Object text -Match '\[cisynapse\]').Count | Should -Be 2
        @($batches | Where-Object text -Match '^SELECT TOP \(1\) \* FROM \[dbo\]\.\[(Customer|Segments)\];$').Count | Should -Be 2
        $batches[0].database | Should -Be 'master'
        $batches | ForEach-Object { $_.login | Should -Be $SignedInUser; $_.outcome | Should -Be 'ok' }
    }

    It 'retries a transient error (40613) on a view batch and the run succeeds' {
        $s = New-ApplyScenario -Entity 'Customer'
        Set-CISynapseEmulatorSqlFault -Stack $Stack -Kind transient -Match 'CREATE OR ALTER VIEW' -Count 1

        $run = Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue

        $run.Status | Should -Be 'Succeeded'
        $run.SqlApplied | Should -BeTrue
        (Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'sql/faults').injected | Should -Be 1
        $outcomes = @(Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database $s.Database | Where-Object text -Match 'CREATE OR ALTER VIEW' | ForEach-Object outcome)
        $outcomes | Should -Be @('injected', 'ok')
        @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database).views.name) | Should -Be @('Customer')
    }

    It 'fails the run on a permanent error and names the batch' {
        $s = New-ApplyScenario -Entity 'Customer'
        Set-CISynapseEmulatorSqlFault -Stack $Stack -Kind error -Match 'CREATE OR ALTER VIEW' -Number 262 -Message "CREATE VIEW permission denied in database '$($s.Database)'."

        $failure = { Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru
        $failure.Exception.InnerException.ErrorId | Should -Be 'SqlBatchFailed'
        $run = $failure.TargetObject

        $run.Status | Should -Be 'Failed'
        $run.SqlApplied | Should -BeFalse
        $run.ErrorId | Should -Be 'SqlBatchFailed'
        "$failure" | Should -Match ([regex]::Escape("'create or alter view [dbo].[Customer]'"))
        "$failure" | Should -Match 'CREATE VIEW permission denied'
        @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database).views) | Should -BeNullOrEmpty
    }

    It 'refuses a Lake database of the export''s name with LakeDatabaseExists before any view is created' {
        $s = New-ApplyScenario -Entity 'Customer'
        Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path "sql/lakedatabases/$($s.Database)" | Out-Null

        $failure = { Invoke-CISynapseExport -Name $s.Export.Name -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*' -PassThru

        $failure.Exception.InnerException.ErrorId | Should -Be 'LakeDatabaseExists'
        "$failure" | Should -Match ([regex]::Escape("'$($s.Database)'"))
        "$failure" | Should -Match 'Lake database'
        $db = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database
        $db.isReplicated | Should -BeTrue
        @($db.views) | Should -BeNullOrEmpty
        @($db.dataSources) | Should -BeNullOrEmpty
    }
}
