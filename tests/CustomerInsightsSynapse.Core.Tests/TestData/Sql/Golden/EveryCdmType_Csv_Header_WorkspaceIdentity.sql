-- CustomerInsightsSynapse: Synapse serverless SQL deployment script (generated; edits are overwritten).
-- Query access mode: WorkspaceIdentity.
-- The master key password is not stored. Supply one for $(CISynapseMasterKeyPassword) (sqlcmd -v CISynapseMasterKeyPassword=...);
-- it is used only if the database has no master key yet and is not needed afterwards.

-- Batch 1 of 7: CreateDatabase
IF DB_ID(N'CdmTypes') IS NULL
    CREATE DATABASE [CdmTypes] COLLATE Latin1_General_100_CI_AS_SC_UTF8;
GO

USE [CdmTypes];
GO

-- Batch 2 of 7: MasterKey
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(CISynapseMasterKeyPassword)';
GO

-- Batch 3 of 7: Credential
IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = N'CISynapseWorkspaceIdentity')
    CREATE DATABASE SCOPED CREDENTIAL [CISynapseWorkspaceIdentity] WITH IDENTITY = N'Managed Identity';
GO

-- Batch 4 of 7: ReaderRole
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'CISynapseReaders' AND type = 'R')
    CREATE ROLE [CISynapseReaders];
GRANT SELECT ON SCHEMA::[dbo] TO [CISynapseReaders];
EXEC (N'GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[CISynapseWorkspaceIdentity] TO [CISynapseReaders];');
GO

-- Batch 5 of 7: DataSource
IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = N'CISynapseDataLake_12e0900db870')
    CREATE EXTERNAL DATA SOURCE [CISynapseDataLake_12e0900db870] WITH (LOCATION = N'https://contosolake.dfs.core.windows.net/customerinsights/CdmTypes', CREDENTIAL = [CISynapseWorkspaceIdentity]);
GO

-- Batch 6 of 7: View
CREATE OR ALTER VIEW [dbo].[Typed]
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
    TRY_CONVERT(uniqueidentifier, NULLIF([Key], '')) AS [Key],
    TRY_CONVERT(date, NULLIF([Birthday], ''), 126) AS [Birthday],
    CONVERT(datetime2(7), SWITCHOFFSET(TRY_CONVERT(datetimeoffset(7), NULLIF([Created], ''), 127), '+00:00')) AS [Created],
    TRY_CONVERT(datetimeoffset(7), NULLIF([Seen], ''), 127) AS [Seen],
    TRY_CONVERT(time(7), NULLIF([Opens], ''), 126) AS [Opens],
    [Payload] AS [Payload]
FROM OPENROWSET(
    BULK N'Typed/20261129T064600Z/**',
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
GO

-- Batch 7 of 7: View
CREATE OR ALTER VIEW [dbo].[TypedEmpty]
AS
SELECT
    CAST(NULL AS varchar(300)) AS [Name],
    CAST(NULL AS varchar(8000)) AS [Notes],
    CAST(NULL AS smallint) AS [Small],
    CAST(NULL AS int) AS [Count],
    CAST(NULL AS bigint) AS [Id],
    CAST(NULL AS float) AS [Ratio],
    CAST(NULL AS real) AS [Score],
    CAST(NULL AS decimal(19,4)) AS [Amount],
    CAST(NULL AS bit) AS [Active],
    CAST(NULL AS uniqueidentifier) AS [Key],
    CAST(NULL AS date) AS [Birthday],
    CAST(NULL AS datetime2(7)) AS [Created],
    CAST(NULL AS datetimeoffset(7)) AS [Seen],
    CAST(NULL AS time(7)) AS [Opens],
    CAST(NULL AS varchar(8000)) AS [Payload]
WHERE 1 = 0;
GO
