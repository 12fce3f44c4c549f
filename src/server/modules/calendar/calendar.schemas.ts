/** Request and response schemas of /calendar (the web takes its types from here, type-only). */
import { Type, type Static } from 'typebox';

const DayKindSchema = Type.Union([Type.Literal('holiday'), Type.Literal('workday')]);
const DaySourceSchema = Type.Union([Type.Literal('local'), Type.Literal('official'), Type.Literal('package'), Type.Literal('statutory')]);

export const CalendarDaySchema = Type.Object(
  { date: Type.String(), kind: DayKindSchema, name: Type.String(), source: DaySourceSchema },
  { additionalProperties: false },
);

export const CalendarYearSchema = Type.Object(
  {
    year: Type.Integer(),
    status: Type.Union([Type.Literal('official'), Type.Literal('provisional')]),
    base: Type.Union([Type.Literal('official'), Type.Literal('package'), Type.Literal('statutory'), Type.Literal('none')]),
    days: Type.Array(CalendarDaySchema),
  },
  { additionalProperties: false },
);
export type CalendarYearView = Static<typeof CalendarYearSchema>;

export const CalendarChangeSchema = Type.Object(
  { year: CalendarYearSchema, revision: Type.Integer(), changedDates: Type.Array(Type.String()) },
  { additionalProperties: false },
);
export type CalendarChangeView = Static<typeof CalendarChangeSchema>;

export const CalendarOverviewSchema = Type.Object(
  {
    years: Type.Array(Type.Object({ year: Type.Integer(), status: CalendarYearSchema.properties.status, base: CalendarYearSchema.properties.base, days: Type.Integer() })),
    /** Next year still provisional from 1 November on: the admin page's banner. */
    warning: Type.Union([Type.Object({ year: Type.Integer() }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type CalendarOverview = Static<typeof CalendarOverviewSchema>;

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2004, maximum: 2099 }) });

export const PutYearBody = Type.Object(
  {
    days: Type.Array(
      Type.Object(
        {
          date: Type.String({ maxLength: 10 }),
          kind: DayKindSchema,
          name: Type.String({ minLength: 1, maxLength: 50 }),
          source: Type.Optional(DaySourceSchema),
        },
        { additionalProperties: false },
      ),
      { maxItems: 366 },
    ),
  },
  { additionalProperties: false },
);

export const ImportBody = Type.Object(
  { fileName: Type.String({ minLength: 1, maxLength: 200 }), content: Type.String({ minLength: 1, maxLength: 2_000_000 }) },
  { additionalProperties: false },
);
