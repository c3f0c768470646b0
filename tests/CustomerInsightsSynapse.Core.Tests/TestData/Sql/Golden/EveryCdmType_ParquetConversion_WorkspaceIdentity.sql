IF DB_ID(N'CdmTypes') IS NULL
    CREATE DATABASE [CdmTypes] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
-- batch --
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';
-- batch --
IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'CISynapseWorkspaceIdentity')
    CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';
-- batch --
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
EXEC (N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[CISynapseWorkspaceIdentity] TO [CISynapseReaders];');
-- batch --
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_12e0900db870')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_12e0900db870] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/CdmTypes', CREDENTIAL = [CISynapseWorkspaceIdentity]);
-- batch --
IF NOT EXISTS (SELECT 1 FROM sys.external_file_formats WHERE name = N'CISynapseParquet')
    CREATE EXTERNAL FILE FORMAT [CISynapseParquet] WITH (FORMAT_TYPE = PARQUET, DATA_COMPRESSION = 'org.apache.hadoop.io.compress.SnappyCodec');
-- batch --
CREATE EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_20261205T134100Z]
WITH (
    LOCATION = N'Typed/20261205T134100Z/',
    DATA_SOURCE = [CISynapseDataLake_12e0900db870],
    FILE_FORMAT = [CISynapseParquet]
)
AS
SELECT
    [Name] AS [Name],
    [Notes] AS [Notes],
    TRY_CONVERT(smallint, NULLIF([Small], '')) AS [Small],
    TRY_CONVERT(int, NULLIF([Count], '')) AS [Count],
    TRY_CONVERT(bigint, NULLIF([Id], '')) AS [Id],
    TRY_CONVERT(float, NULLIF([Ratio], '')) AS [Ratio],
    TRY_CONVERT(real, NULLIF([Score], '')) AS [Score],
    TRY_CONVERT(decimal(19,4), NULLIF([Amount], '')) AS [Amount],
    TRY_CONVERT(bit, NULLIF([Active], '')) AS [Active],
    CONVERT(varchar(36), TRY_CONVERT(uniqueidentifier, NULLIF([Key], ''))) AS [Key],
    TRY_CONVERT(date, NULLIF([Birthday], ''), 126) AS [Birthday],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([Created], ''), 127), '+00:00')) AS [Created],
    CONVERT(varchar(33), TRY_CONVERT(datetimeoffset(7), NULLIF([Seen], ''), 127), 127) AS [Seen],
    CONVERT(varchar(16), TRY_CONVERT(time(7), NULLIF([Opens], ''), 126)) AS [Opens],
    [Payload] AS [Payload]
FROM OPENROWSET(
    BULK N'cisynapse-staging/20261205T134100Z/Typed/**',
    DATA_SOURCE = N'CISynapseDataLake_12e0900db870',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [Name] varchar(300) COLLATE Latin1_General_100_BIN2_UTF8,
    [Notes] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Small] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Count] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Id] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Ratio] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Score] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Amount] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Active] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Key] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Birthday] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Created] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Seen] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Opens] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Payload] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
-- batch --
DROP EXTERNAL TABLE [dbo].[CISynapseConvert_Typed_20261205T134100Z];
-- batch --
SELECT
    SUM(CASE WHEN NULLIF([Small], '') IS NOT NULL AND TRY_CONVERT(smallint, NULLIF([Small], '')) IS NULL THEN 1 ELSE 0 END) AS [Small],
    SUM(CASE WHEN NULLIF([Count], '') IS NOT NULL AND TRY_CONVERT(int, NULLIF([Count], '')) IS NULL THEN 1 ELSE 0 END) AS [Count],
    SUM(CASE WHEN NULLIF([Id], '') IS NOT NULL AND TRY_CONVERT(bigint, NULLIF([Id], '')) IS NULL THEN 1 ELSE 0 END) AS [Id],
    SUM(CASE WHEN NULLIF([Ratio], '') IS NOT NULL AND TRY_CONVERT(float, NULLIF([Ratio], '')) IS NULL THEN 1 ELSE 0 END) AS [Ratio],
    SUM(CASE WHEN NULLIF([Score], '') IS NOT NULL AND TRY_CONVERT(real, NULLIF([Score], '')) IS NULL THEN 1 ELSE 0 END) AS [Score],
    SUM(CASE WHEN NULLIF([Amount], '') IS NOT NULL AND TRY_CONVERT(decimal(19,4), NULLIF([Amount], '')) IS NULL THEN 1 ELSE 0 END) AS [Amount],
    SUM(CASE WHEN NULLIF([Active], '') IS NOT NULL AND TRY_CONVERT(bit, NULLIF([Active], '')) IS NULL THEN 1 ELSE 0 END) AS [Active],
    SUM(CASE WHEN NULLIF([Key], '') IS NOT NULL AND TRY_CONVERT(uniqueidentifier, NULLIF([Key], '')) IS NULL THEN 1 ELSE 0 END) AS [Key],
    SUM(CASE WHEN NULLIF([Birthday], '') IS NOT NULL AND TRY_CONVERT(date, NULLIF([Birthday], ''), 126) IS NULL THEN 1 ELSE 0 END) AS [Birthday],
    SUM(CASE WHEN NULLIF([Created], '') IS NOT NULL AND CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([Created], ''), 127), '+00:00')) IS NULL THEN 1 ELSE 0 END) AS [Created],
    SUM(CASE WHEN NULLIF([Seen], '') IS NOT NULL AND TRY_CONVERT(datetimeoffset(7), NULLIF([Seen], ''), 127) IS NULL THEN 1 ELSE 0 END) AS [Seen],
    SUM(CASE WHEN NULLIF([Opens], '') IS NOT NULL AND TRY_CONVERT(time(7), NULLIF([Opens], ''), 126) IS NULL THEN 1 ELSE 0 END) AS [Opens]
FROM OPENROWSET(
    BULK N'cisynapse-staging/20261205T134100Z/Typed/**',
    DATA_SOURCE = N'CISynapseDataLake_12e0900db870',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [Name] varchar(300) COLLATE Latin1_General_100_BIN2_UTF8,
    [Notes] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Small] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Count] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Id] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Ratio] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Score] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Amount] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Active] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Key] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Birthday] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Created] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Seen] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Opens] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Payload] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r];
-- batch --
SELECT TOP (10)
    N'Small' AS [column],
    [r].filepath() AS [file],
    [Small] AS [value]
FROM OPENROWSET(
    BULK N'cisynapse-staging/20261205T134100Z/Typed/**',
    DATA_SOURCE = N'CISynapseDataLake_12e0900db870',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [Name] varchar(300) COLLATE Latin1_General_100_BIN2_UTF8,
    [Notes] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Small] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Count] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Id] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Ratio] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Score] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Amount] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Active] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Key] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Birthday] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Created] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Seen] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Opens] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Payload] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r]
WHERE NULLIF([Small], '') IS NOT NULL AND TRY_CONVERT(smallint, NULLIF([Small], '')) IS NULL;
-- batch --
SELECT TOP (10)
    N'Count' AS [column],
    N'' AS [file],
    [Count] AS [value]
FROM OPENROWSET(
    BULK N'cisynapse-staging/20261205T134100Z/Typed/**',
    DATA_SOURCE = N'CISynapseDataLake_12e0900db870',
    FORMAT = 'CSV',
    PARSER_VERSION = '2.0',
    HEADER_ROW = TRUE,
    FIELDTERMINATOR = N',',
    FIELDQUOTE = N'"'
) WITH (
    [Name] varchar(300) COLLATE Latin1_General_100_BIN2_UTF8,
    [Notes] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Small] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Count] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Id] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Ratio] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Score] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Amount] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Active] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Key] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Birthday] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Created] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Seen] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Opens] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8,
    [Payload] varchar(8000) COLLATE Latin1_General_100_BIN2_UTF8
) AS [r]
WHERE NULLIF([Count], '') IS NOT NULL AND TRY_CONVERT(int, NULLIF([Count], '')) IS NULL;
