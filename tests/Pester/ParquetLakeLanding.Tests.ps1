# Landing a lake source as typed Parquet (issue 23, lake sources): the same CDM folder in the lake exported twice, once
# as CSV and once with -LandAs Parquet; the CSV partitions are copied by the storage service into a staging folder and
# serverless SQL (the emulator's CETAS, writing Parquet into Azurite) converts them through the view's projection. The
# Parquet view returns exactly the rows of the CSV view; the staging copies are gone after the run; an unchanged source
# is not converted again; a value that does not convert fails its entity (its previous view kept), or with
# -InvalidValue Null is written as NULL and counted; a ScriptOnly export cannot convert and says so.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/ParquetShapes.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container -AnonymousBlobRead
    $script:StoreFolder = Join-Path $TestDrive 'store'
    Set-CISynapseStore -Location $StoreFolder
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $Prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $Prepared.synapseWorkspaces[0].name `
        -StorageAccountName $Account -Container $Container
    $script:LakeUrl = "$(Get-CISynapseTestBlobEndpoint $Stack $Account)/$Container"

    $script:Columns = Get-CISynapseTestShapeColumns
    $script:Attributes = Get-CISynapseTestShapeAttributes

    function Send-SourceBlob([string] $Name, [string] $Text, [switch] $ByteOrderMark) {
        $headers = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06'; 'x-ms-blob-type' = 'BlockBlob' }
        $encoding = [System.Text.UTF8Encoding]::new($ByteOrderMark.IsPresent)
        $body = [byte[]]($encoding.GetPreamble() + $encoding.GetBytes($Text))
        $null = Invoke-WebRequest -Uri "$LakeUrl/$Name" -Method Put -Headers $headers -Body $body -ContentType 'application/octet-stream'
    }

    # A CDM folder in the lake: its CSV partitions (each starting with a UTF-8 byte order mark with -ByteOrderMark) and
    # a model.json whose locations are relative to it.
    function Send-CdmFolder([string] $Folder, [System.Collections.IDictionary] $Files, [switch] $ByteOrderMark) {
        $partitions = foreach ($location in $Files.Keys) {
            Send-SourceBlob "$Folder/$location" ((($Files[$location] | ForEach-Object { ConvertTo-CISynapseTestQuotedCsvLine $_ }) -join "`r`n") + "`r`n") -ByteOrderMark:$ByteOrderMark
            [ordered]@{ name = ($location -replace '[/.]', '-'); location = $location; fileFormatSettings = [ordered]@{ '$type' = 'CsvFormatSettings'; columnHeaders = $false; delimiter = ','; quoteStyle = 'QuoteStyle.Csv'; csvStyle = 'CsvStyle.QuoteAlways'; encoding = 'UTF-8' } }
        }
        Send-SourceBlob "$Folder/model.json" ([ordered]@{ name = 'CustomerInsights'; version = '1.0'; entities = @([ordered]@{ '$type' = 'LocalEntity'; name = 'Shapes'; attributes = $Attributes; partitions = @($partitions) }) } | ConvertTo-Json -Depth 10)
    }

    function Get-ViewRows([string] $Database) {
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database $Database -Query 'SELECT * FROM [dbo].[Shapes] ORDER BY Id' | ForEach-Object {
                $row = $_
                ($Columns | ForEach-Object { "$_=$(ConvertTo-CISynapseTestComparable $row.$_)" }) -join '|'
            })
    }

    function Get-Cetas([string] $Database) {
        @(Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database $Database | Where-Object { $_.text -match '^CREATE EXTERNAL TABLE' })
    }

    function Get-LatestRun([string] $Name) { Get-CISynapseExportRun -Name $Name | Select-Object -First 1 }

    Send-CdmFolder 'ci-source' (Get-CISynapseTestShapeFiles)
    $null = New-CISynapseExport -Name 'csv' -Connection 'lake' -Source "$LakeUrl/ci-source" -DatabaseName 'LakeCsvShapes' -Entity 'Shapes'
    $null = New-CISynapseExport -Name 'parquet' -Connection 'lake' -Source "$LakeUrl/ci-source" -DatabaseName 'LakeParquetShapes' -Entity 'Shapes' -LandAs Parquet
    $script:CsvRun = Invoke-CISynapseExport -Name 'csv' -Confirm:$false -WarningAction SilentlyContinue
    $script:ParquetRun = Invoke-CISynapseExport -Name 'parquet' -Confirm:$false -WarningAction SilentlyContinue
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'An export with -LandAs Parquet from a lake source' {
    It 'lands the entity through one CETAS into its snapshot folder and applies a view over Parquet' {
        $CsvRun.Status | Should -Be 'Succeeded'
        $ParquetRun.Status | Should -Be 'Succeeded'
        ($ParquetRun.Entities | Where-Object Entity -EQ 'Shapes').Action | Should -Be 'Landed'
        $cetas = Get-Cetas 'LakeParquetShapes'
        $cetas.Count | Should -Be 1
        $cetas[0].outcome | Should -Be 'ok'
        $cetas[0].text | Should -Match "LOCATION = N'Shapes/[^/']+/'"
        $cetas[0].text | Should -Match "BULK N'cisynapse-staging/[^/']+/Shapes/\*\*'"
        $views = Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database 'LakeParquetShapes' | Where-Object { $_.text -match 'CREATE OR ALTER VIEW' -and $_.text -match "FORMAT = 'PARQUET'" -and $_.outcome -eq 'ok' }
        $views | Should -Not -BeNullOrEmpty
        (Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database 'LakeParquetShapes' | Where-Object { $_.text -match '^DROP EXTERNAL TABLE' }).outcome | Should -Be 'ok'
    }

    It 'records the written Parquet files in model.json' {
        $model = [System.Text.Encoding]::UTF8.GetString((Get-CISynapseTestBlobContent -Stack $Stack -Account $Account -Container $Container -Name 'LakeParquetShapes/model.json')) | ConvertFrom-Json -Depth 20
        $entity = $model.entities | Where-Object name -EQ 'Shapes'
        $entity.partitions.Count | Should -BeGreaterThan 0
        $entity.partitions | ForEach-Object { $_.fileFormatSettings.'$type' | Should -Be 'ParquetFormatSettings' }
        $snapshot = ($entity.annotations | Where-Object name -EQ 'cisynapse:snapshotId').value
        $files = Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "LakeParquetShapes/Shapes/$snapshot/"
        @($files).Count | Should -Be $entity.partitions.Count
    }

    It 'returns through the Parquet view exactly the rows of the CSV view, every column typed alike' {
        $csvRows = Get-ViewRows 'LakeCsvShapes'
        $parquetRows = Get-ViewRows 'LakeParquetShapes'

        $csvRows.Count | Should -Be 7
        $parquetRows | Should -Be $csvRows
        $parquetRows[0] | Should -Match 'Seen=dto:2019-07-10T08:30:00\.1234567\+02:00'
        $parquetRows[0] | Should -Match 'Count=Int64:9007199254740993'
        $parquetRows[2] | Should -Match 'Created=dt:2026-11-29T04:59:59\.9999999'
    }

    It 'deletes the staging copies, the external table and the file format once converted' {
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix 'LakeParquetShapes/cisynapse-staging/') | Should -BeNullOrEmpty
        $catalog = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'LakeParquetShapes'
        @($catalog.externalTables) | Should -BeNullOrEmpty
        @($catalog.externalFileFormats) | Should -BeNullOrEmpty
        @(Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database 'LakeParquetShapes' | Where-Object { $_.text -match 'DROP EXTERNAL FILE FORMAT' -and $_.outcome -eq 'ok' }).Count | Should -Be 1
    }

    It 'does not convert an unchanged source again' {
        $again = Invoke-CISynapseExport -Name 'parquet' -Confirm:$false -WarningAction SilentlyContinue

        ($again.Entities | Where-Object Entity -EQ 'Shapes').Action | Should -Be 'Unchanged'
        (Get-Cetas 'LakeParquetShapes').Count | Should -Be 1
    }
}

Describe 'Lake CSV partitions that start with a UTF-8 byte order mark' {
    BeforeAll {
        Send-CdmFolder 'bom-source' (Get-CISynapseTestShapeFiles) -ByteOrderMark
        $null = New-CISynapseExport -Name 'csv-bom' -Connection 'lake' -Source "$LakeUrl/bom-source" -DatabaseName 'LakeCsvBom' -Entity 'Shapes'
        $null = New-CISynapseExport -Name 'parquet-bom' -Connection 'lake' -Source "$LakeUrl/bom-source" -DatabaseName 'LakeParquetBom' -Entity 'Shapes' -LandAs Parquet
        $script:CsvBomRun = Invoke-CISynapseExport -Name 'csv-bom' -Confirm:$false -WarningAction SilentlyContinue
        $script:ParquetBomRun = Invoke-CISynapseExport -Name 'parquet-bom' -Confirm:$false -WarningAction SilentlyContinue
    }

    It 'are copied by the storage service from past the mark, and both views return the rows of the source without it' {
        $CsvBomRun.Status | Should -Be 'Succeeded'
        $ParquetBomRun.Status | Should -Be 'Succeeded'
        $landed = @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix 'LakeCsvBom/Shapes/' | Where-Object Name -Match '\.csv$')
        $landed.Count | Should -BeGreaterThan 0
        foreach ($blob in $landed) {
            $bytes = Get-CISynapseTestBlobContent -Stack $Stack -Account $Account -Container $Container -Name $blob.Name
            [byte[]]$bytes[0..2] | Should -Not -Be ([byte[]](0xEF, 0xBB, 0xBF)) -Because "$($blob.Name) lands without the mark"
        }

        $expected = Get-ViewRows 'LakeCsvShapes'
        Get-ViewRows 'LakeCsvBom' | Should -Be $expected
        Get-ViewRows 'LakeParquetBom' | Should -Be $expected
    }
}

Describe 'Lake values that do not convert to Parquet' {
    BeforeAll {
        $script:Good = [ordered]@{ 'Shapes/part.csv' = @(, @('1', 'ok', '2019-07-10T00:00:00Z', '', 'True', '1', '00000000-0000-4000-8000-000000000001', '', '1', '1', '')) }
        $script:Bad = [ordered]@{ 'Shapes/part.csv' = @(
                ,@('1', 'ok', '2019-07-10T00:00:00Z', '', 'True', '1', '00000000-0000-4000-8000-000000000001', '', '1', '1', '')
                ,@('2', 'bad', 'yesterday', '', 'maybe', '1', 'not-a-guid', '', '2', '2', '')
            ) }
        Send-CdmFolder 'bad-source' $Good
        $null = New-CISynapseExport -Name 'bad' -Connection 'lake' -Source "$LakeUrl/bad-source" -DatabaseName 'LakeBadShapes' -Entity 'Shapes' -LandAs Parquet
        $script:GoodRun = Invoke-CISynapseExport -Name 'bad' -Confirm:$false -WarningAction SilentlyContinue
        Send-CdmFolder 'bad-source' $Bad
    }

    It 'fail the entity by default with ParquetValueNotConverted naming the columns and values, and keep the previous view' {
        $GoodRun.Status | Should -Be 'Succeeded'

        { Invoke-CISynapseExport -Name 'bad' -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*'

        $entity = (Get-LatestRun 'bad').Entities | Where-Object Entity -EQ 'Shapes'
        $entity.Action | Should -Be 'Failed'
        $entity.ErrorId | Should -Be 'ParquetValueNotConverted'
        $entity.Error | Should -Match "column 'Created' \(datetime2\(7\)\): 1 value\(s\)( in '[^']*part\.csv')?, first 'yesterday'"
        $entity.Error | Should -Match "column 'Flag' \(bit\): 1 value\(s\).*'maybe'"
        $entity.Error | Should -Match "column 'Key' \(uniqueidentifier\): 1 value\(s\).*'not-a-guid'"
        @(Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'LakeBadShapes' -Query 'SELECT Id FROM [dbo].[Shapes]').Count | Should -Be 1
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix 'LakeBadShapes/cisynapse-staging/') | Should -BeNullOrEmpty
    }

    It 'write them as NULL with -InvalidValue Null, counted per column in the run record' {
        Set-CISynapseExport -Name 'bad' -InvalidValue Null

        $run = Invoke-CISynapseExport -Name 'bad' -Confirm:$false -WarningAction SilentlyContinue

        $run.Status | Should -Be 'Succeeded'
        ($run.Entities | Where-Object Entity -EQ 'Shapes').Action | Should -Be 'Landed'
        $run.Warnings | Should -Contain "Entity 'Shapes': 1 values of column 'Flag' do not convert to bit and were landed as NULL (-InvalidValue Null)."
        $stored = Get-ChildItem -LiteralPath $StoreFolder -Recurse -Filter "$($run.RunId)*.json" | Select-Object -First 1 | Get-Content -Raw | ConvertFrom-Json -Depth 20
        $counts = @($stored.content.unconvertedValues + $stored.unconvertedValues | Where-Object { $_ } | ForEach-Object { "$($_.entity).$($_.column)=$($_.count)" })
        $counts | Sort-Object | Should -Be @('Shapes.Created=1', 'Shapes.Flag=1', 'Shapes.Key=1')
        $row = Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'LakeBadShapes' -Query 'SELECT Id, Created, Flag, [Key] FROM [dbo].[Shapes] WHERE Id = 2'
        $row.Id | Should -Be 2
        $row.Created | Should -BeNullOrEmpty
        $row.Flag | Should -BeNullOrEmpty
        $row.Key | Should -BeNullOrEmpty
    }
}

Describe 'A ScriptOnly export landing a lake source as Parquet' {
    It 'fails the entity with ParquetConversionNeedsApply before staging anything' {
        $null = New-CISynapseExport -Name 'script' -Connection 'lake' -Source "$LakeUrl/ci-source" -DatabaseName 'LakeScriptShapes' -Entity 'Shapes' -LandAs Parquet -DeploymentMode ScriptOnly

        { Invoke-CISynapseExport -Name 'script' -Confirm:$false -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'ExportRunFailed,*'

        $entity = (Get-LatestRun 'script').Entities | Where-Object Entity -EQ 'Shapes'
        $entity.ErrorId | Should -Be 'ParquetConversionNeedsApply'
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix 'LakeScriptShapes/') | Where-Object Name -NotMatch '/_runs/|/_sql/|/_lock$|/model.json$' | Should -BeNullOrEmpty
    }
}
